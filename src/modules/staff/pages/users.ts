/** Pages for managing staff: the list with the invite form, one member, the disable confirmation. */
import { html } from 'ghtml'
import { tag } from '../../../platform/html/components.ts'
import { checkboxGroup, errorSummary, field } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime } from '../../../platform/i18n.ts'
import { roles } from '../../../platform/policy.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { StaffMember } from '../present.ts'

function roleChecks(
  ctx: PageContext,
  checked: readonly string[],
  errors: FieldErrors,
  legend: string,
): string {
  const { t } = ctx
  return checkboxGroup(ctx, errors, {
    name: 'roles',
    legend,
    options: roles.map((role) => ({
      name: 'roles',
      value: role,
      label: t(`roles.${role}`),
      hint: t(`roles.${role}Hint`),
      checked: checked.includes(role),
    })),
  })
}

function status(ctx: PageContext, user: StaffMember): string {
  return user.disabled
    ? tag(ctx.t('users.disabled'), 'danger')
    : user.totpEnabled
      ? tag(ctx.t('users.active'), 'ok')
      : tag(ctx.t('users.noTotp'), 'warn')
}

/** The list of staff and the invite form. */
export function usersPage(
  ctx: PageContext,
  options: { users: StaffMember[]; values: Record<string, unknown>; errors: FieldErrors },
): string {
  const { t, locale } = ctx
  const rows = options.users
    .map(
      (
        user,
      ) => html`<tr><th scope="row"><a href="/staff/users/${user.id}">${user.displayName}</a></th><td data-label="${t('account.email')}">${user.email}</td>
<td data-label="${t('users.roles')}">${user.roles.map((role) => t(`roles.${role}`)).join(', ')}</td><td data-label="${t('users.status')}">!${status(ctx, user)}</td><td data-label="${t('users.created')}">${formatDateTime(user.createdAt, locale)}</td></tr>`,
    )
    .join('')
  const chosen = ([] as unknown[]).concat(options.values.roles ?? []).map(String)
  const body = html`<h1>${t('users.title')}</h1>
!${scrollingTable(
    'users-caption',
    t('users.count', { count: options.users.length }),
    html`<thead><tr><th scope="col">${t('account.displayName')}</th><th scope="col">${t('account.email')}</th><th scope="col">${t('users.roles')}</th><th scope="col">${t('users.status')}</th><th scope="col">${t('users.created')}</th></tr></thead>
<tbody>!${rows}</tbody>`,
    { cards: true },
  )}
<h2 id="invite">${t('users.inviteTitle')}</h2>
<p>${t('users.inviteIntro')}</p>
!${errorSummary(ctx, options.errors, { email: t('account.email'), roles: t('users.roles') })}
<form class="stack" method="post" action="/staff/invites" novalidate>
!${csrfField(ctx)}
!${field(ctx, options.errors, { name: 'email', label: t('account.email'), hint: t('users.inviteEmailHint'), type: 'email', value: String(options.values.email ?? '') })}
!${roleChecks(ctx, chosen, options.errors, t('users.roles'))}
<p><button type="submit">${t('users.inviteSubmit')}</button></p>
</form>`
  return layout(ctx, { title: t('users.title'), body })
}

/** The one-time invitation link, shown once. */
export function invitedPage(ctx: PageContext, options: { link: string; roles: string[] }): string {
  const { t } = ctx
  const body = html`<h1>${t('users.invitedTitle')}</h1>
<p>${t('users.invitedIntro', { roles: options.roles.map((role) => t(`roles.${role}`)).join(', ') })}</p>
<p class="secret">${options.link}</p>
<p>${t('users.invitedOnce')}</p>
<p><a href="/staff/users">${t('users.back')}</a></p>`
  return layout(ctx, { title: t('users.invitedTitle'), body, narrow: true })
}

/** One member: roles form and the way to disable or enable them. */
export function userPage(
  ctx: PageContext,
  options: { user: StaffMember; self: boolean; errors: FieldErrors; notice?: string },
): string {
  const { t } = ctx
  const { user } = options
  const disable = user.disabled
    ? html`<form method="post" action="/staff/users/${user.id}/enable">!${csrfField(ctx)}<button type="submit">${t('users.enable')}</button></form>`
    : options.self
      ? ''
      : html`<p><a class="button secondary" href="/staff/users/${user.id}/disable">${t('users.disable')}</a></p>`
  const reset =
    user.disabled || options.self
      ? ''
      : html`<p>${t('users.resetHint')}</p>
<form method="post" action="/staff/users/${user.id}/reset-link">!${csrfField(ctx)}<button class="secondary" type="submit">${t('users.resetLink')}</button></form>`
  const body = html`<h1>${user.displayName}</h1>
!${noticeLine(options.notice)}
<p>${user.email} · !${status(ctx, user)}</p>
!${errorSummary(ctx, options.errors, { roles: t('users.roles') })}
<form class="stack" method="post" action="/staff/users/${user.id}/roles?_method=PUT" novalidate>
!${csrfField(ctx)}
!${roleChecks(ctx, user.roles, options.errors, t('users.roles'))}
<p><button type="submit">${t('users.saveRoles')}</button></p>
</form>
<h2>${t('users.access')}</h2>
<p>${t('keys.theirFingerprint')}</p>
<p class="secret fingerprint">${user.keyFingerprint}</p>
<p class="hint">${t('keys.compareHint')}</p>
!${reset}
!${disable}
<p><a href="/staff/users">${t('users.back')}</a></p>`
  return layout(ctx, { title: user.displayName, body, narrow: true })
}

/** A one-time link that lets a member who forgot their password set a new one, shown once. */
export function resetLinkPage(ctx: PageContext, options: { link: string; user: StaffMember }): string {
  const { t } = ctx
  const body = html`<h1>${t('users.resetLinkTitle', { name: options.user.displayName })}</h1>
<p>${t('users.resetLinkIntro')}</p>
<p class="secret">${options.link}</p>
<p>${t('users.invitedOnce')}</p>
<p><a href="/staff/users/${options.user.id}">${t('users.back')}</a></p>`
  return layout(ctx, {
    title: t('users.resetLinkTitle', { name: options.user.displayName }),
    body,
    narrow: true,
  })
}

/** Asks before disabling: it ends every session of that person at once. */
export function confirmDisablePage(ctx: PageContext, user: StaffMember): string {
  const { t } = ctx
  const body = html`<h1>${t('users.disableTitle', { name: user.displayName })}</h1>
<p>${t('users.disableWarning')}</p>
<form method="post" action="/staff/users/${user.id}/disable">!${csrfField(ctx)}<button class="danger" type="submit">${t('users.disableConfirm')}</button></form>
<p><a href="/staff/users/${user.id}">${t('users.cancel')}</a></p>`
  return layout(ctx, { title: t('users.disableTitle', { name: user.displayName }), body, narrow: true })
}
