/**
 * The one page layout: landmarks, a skip link, the language chooser, staff navigation.
 * Every value is escaped by ghtml's `html`; `!${…}` marks HTML that was itself built with `html`.
 */
import { html } from 'ghtml'
import { type Locale, localeNames, locales, type T } from '../i18n.ts'
import type { Permission } from '../policy.ts'
import { assetUrl } from './assets.ts'

/** What every page needs from the request. */
export type PageContext = {
  t: T
  locale: Locale
  /** The path without query, for aria-current and the language links. */
  path: string
  csrfToken: string
  /** The signed-in staff member, if any, with what the navigation may offer them. */
  staff?: { name: string; can: (permission: Permission) => boolean; navigation: readonly NavItem[] }
}

/**
 * A staff navigation entry (`label` an i18n key), shown only to those holding `permission`. Modules
 * list theirs in their descriptor (module.ts); buildApp gathers them in the modules' order.
 */
export type NavItem = {
  href: string
  label: string
  permission: Permission
  /** The i18n key of the group it is shown in (its module's title; buildApp fills it in). */
  group?: string
}

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(ctx: PageContext): string {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`
}

/** The line that says what was just done ("The template was saved."); nothing when there is none. */
export function noticeLine(text: string | undefined): string {
  return text ? html`<p class="notice" role="status">${text}</p>` : ''
}

/**
 * Which of the three layouts a page uses. `reading`: one column of text or questions (public pages,
 * every form). `data`: the full width, for a page that puts filters beside results (`.data-layout`)
 * and charts first. A signed-in staff member gets either inside the staff layout, with the navigation
 * grouped by module beside the work.
 */
export type LayoutKind = 'reading' | 'data'

/** An alternative version of the page (a feed), announced in the head for readers that follow it. */
export type Alternate = { href: string; type: string; title: string }

// The staff navigation, one group per module in the modules' order, the current place marked: the
// entry whose address is the longest prefix of this page's (a report page marks the queue). An
// address of one segment (`/staff`) is everything's prefix, so it marks only itself.
function marks(href: string, path: string): boolean {
  return path === href || (href.lastIndexOf('/') > 0 && path.startsWith(`${href}/`))
}

function staffNavigation(ctx: PageContext): string {
  const staff = ctx.staff
  if (!staff) return ''
  const items = staff.navigation.filter((item) => staff.can(item.permission))
  const current = items
    .filter((item) => marks(item.href, ctx.path))
    .sort((a, b) => b.href.length - a.href.length)[0]
  const groups = new Map<string, NavItem[]>()
  for (const item of items) {
    const group = item.group ?? ''
    groups.set(group, [...(groups.get(group) ?? []), item])
  }
  const rendered = [...groups]
    .map(([group, entries]) => {
      const links = entries
        .map((item) =>
          item === current
            ? html`<li><a href="${item.href}" aria-current="page">${ctx.t(item.label)}</a></li>`
            : html`<li><a href="${item.href}">${ctx.t(item.label)}</a></li>`,
        )
        .join('')
      return html`<div class="group">!${group ? html`<span class="group-name">${ctx.t(group)}</span>` : ''}<ul>!${links}</ul></div>`
    })
    .join('')
  return html`<nav class="staff-nav" aria-label="${ctx.t('layout.mainNav')}"><div class="groups">!${rendered}</div></nav>`
}

/** A whole HTML document around `body`. */
export function layout(
  ctx: PageContext,
  options: {
    title: string
    body: string
    /** One reading column (the default for public pages and forms); see LayoutKind. */
    narrow?: boolean
    kind?: LayoutKind
    scripts?: string[]
    modules?: string[]
    styles?: string[]
    /** Other forms of the page's content (`<link rel="alternate">`), e.g. its Atom feed for feed readers. */
    alternates?: readonly Alternate[]
    /** Seconds after which the browser loads the page again: progress shown without JavaScript. */
    refreshSeconds?: number
  },
): string {
  const { t, locale, path } = ctx
  const kind: LayoutKind = options.kind ?? (options.narrow ? 'reading' : 'data')
  const account = ctx.staff
    ? html`<div class="account"><form class="inline" method="post" action="/logout">!${csrfField(ctx)}<button class="link-button" type="submit">${t('nav.signOut')}</button></form></div>`
    : ''
  const languages = locales
    .map((code) =>
      code === locale
        ? html`<span lang="${code}" aria-current="true"><strong>${localeNames[code]}</strong></span>`
        : html`<a lang="${code}" hreflang="${code}" href="${path}?lang=${code}">${localeNames[code]}</a>`,
    )
    .join('')
  const main = html`<main id="main" tabindex="-1" class="${kind === 'reading' ? 'narrow' : ''}">
!${options.body}
</main>`
  return `<!doctype html>${html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
!${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${options.title} · Lifeline</title>
<link rel="stylesheet" href="${assetUrl('style.css')}">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
!${(options.alternates ?? []).map((alternate) => html`<link rel="alternate" type="${alternate.type}" href="${alternate.href}" title="${alternate.title}">`).join('')}
!${(options.styles ?? []).map((name) => html`<link rel="stylesheet" href="${assetUrl(name)}">`).join('')}
!${(options.scripts ?? []).map((name) => html`<script src="${assetUrl(name)}" defer></script>`).join('')}
!${(options.modules ?? []).map((name) => html`<script type="module" src="${assetUrl(name)}"></script>`).join('')}
</head>
<body>
<a class="skip-link" href="#main">${t('layout.skip')}</a>
<header class="site-header">
<div class="bar">
<a class="brand" href="${ctx.staff ? '/staff' : '/'}">Lifeline</a>
<div class="tools"><nav class="languages" aria-label="${t('layout.language')}">!${languages}</nav>!${account}</div>
</div>
</header>
<div class="page">
!${ctx.staff ? html`<div class="staff-layout">!${staffNavigation(ctx)}!${main}</div>` : main}
</div>
<footer><p>${t('layout.footer')}</p></footer>
</body>
</html>`}`
}
