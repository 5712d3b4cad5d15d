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
export type NavItem = { href: string; label: string; permission: Permission }

/** The hidden CSRF field every state-changing form carries. */
export function csrfField(ctx: PageContext): string {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrfToken}">`
}

/** The line that says what was just done ("The template was saved."); nothing when there is none. */
export function noticeLine(text: string | undefined): string {
  return text ? html`<p class="notice" role="status">${text}</p>` : ''
}

/** A whole HTML document around `body`. */
export function layout(
  ctx: PageContext,
  options: {
    title: string
    body: string
    narrow?: boolean
    scripts?: string[]
    modules?: string[]
    styles?: string[]
    /** Seconds after which the browser loads the page again: progress shown without JavaScript. */
    refreshSeconds?: number
    /** Other forms of the page's content (`<link rel="alternate">`), e.g. its Atom feed for feed readers. */
    alternates?: readonly { href: string; type: string; title: string }[]
  },
): string {
  const { t, locale, path } = ctx
  const nav = ctx.staff
    ? ctx.staff.navigation
        .filter((item) => ctx.staff?.can(item.permission))
        .map((item) =>
          path === item.href
            ? html`<li><a href="${item.href}" aria-current="page">${t(item.label)}</a></li>`
            : html`<li><a href="${item.href}">${t(item.label)}</a></li>`,
        )
        .join('')
    : ''
  const signOut = ctx.staff
    ? html`<li><form class="inline" method="post" action="/logout">!${csrfField(ctx)}<button class="link-button" type="submit">${t('nav.signOut')}</button></form></li>`
    : ''
  const languages = locales
    .map((code) =>
      code === locale
        ? html`<span lang="${code}" aria-current="true"><strong>${localeNames[code]}</strong></span>`
        : html`<a lang="${code}" hreflang="${code}" href="${path}?lang=${code}">${localeNames[code]}</a>`,
    )
    .join('')
  return `<!doctype html>${html`<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
!${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}
<title>${options.title} · Lifeline</title>
<link rel="stylesheet" href="${assetUrl('style.css')}">
<link rel="icon" href="${assetUrl('favicon.svg')}" type="image/svg+xml">
!${(options.alternates ?? []).map((link) => html`<link rel="alternate" type="${link.type}" href="${link.href}" title="${link.title}">`).join('')}
!${(options.styles ?? []).map((name) => html`<link rel="stylesheet" href="${assetUrl(name)}">`).join('')}
!${(options.scripts ?? []).map((name) => html`<script src="${assetUrl(name)}" defer></script>`).join('')}
!${(options.modules ?? []).map((name) => html`<script type="module" src="${assetUrl(name)}"></script>`).join('')}
</head>
<body>
<a class="skip-link" href="#main">${t('layout.skip')}</a>
<header class="site-header">
<div class="bar">
<a class="brand" href="${ctx.staff ? '/staff' : '/'}">Lifeline</a>
!${ctx.staff ? html`<nav aria-label="${t('layout.mainNav')}"><ul>!${nav}!${signOut}</ul></nav>` : ''}
<nav class="languages" aria-label="${t('layout.language')}">!${languages}</nav>
</div>
</header>
<main id="main" tabindex="-1" class="${options.narrow ? 'narrow' : ''}">
!${options.body}
</main>
<footer><p>${t('layout.footer')}</p></footer>
</body>
</html>`}`
}
