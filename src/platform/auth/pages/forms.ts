/** The sign-in, setup and sign-up pages. */
import { html } from 'ghtml'
import { errorSummary, field } from '../../html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../html/layout.ts'
import type { T } from '../../i18n.ts'
import type { FieldErrors } from '../../validation.ts'

/** "Too many failed attempts. Try again in 30 seconds." for an attempt that must wait `waitMs`. */
export function waitText(t: T, waitMs: number): string {
  const seconds = Math.ceil(waitMs / 1000)
  const wait =
    seconds < 60
      ? t('login.waitSeconds', { count: seconds })
      : t('login.waitMinutes', { count: Math.ceil(seconds / 60) })
  return t('login.wait', { wait })
}

// A message that is not about one field, announced like the error summary.
function alertBox(ctx: PageContext, text: string | undefined): string {
  return text
    ? html`<div class="error-summary" role="alert" tabindex="-1"><h2>${ctx.t('validation.summary')}</h2><ul><li>${text}</li></ul></div>`
    : ''
}

/** The account form for the first admin (setup) and for invited staff (sign-up). */
export function accountPage(
  ctx: PageContext,
  options: { kind: 'setup' | 'signup'; action: string; values: Record<string, string>; errors: FieldErrors },
): string {
  const { t } = ctx
  const { values, errors } = options
  const labels = {
    displayName: t('account.displayName'),
    email: t('account.email'),
    password: t('account.password'),
    confirm: t('account.confirm'),
  }
  const body = html`<h1>${t(`${options.kind}.title`)}</h1>
<p>${t(`${options.kind}.intro`)}</p>
!${errorSummary(ctx, errors, labels)}
<form class="stack" method="post" action="${options.action}" novalidate>
!${csrfField(ctx)}
!${field(ctx, errors, { name: 'displayName', label: labels.displayName, hint: t('account.displayNameHint'), value: values.displayName, autocomplete: 'name', required: true, maxlength: 100 })}
!${field(ctx, errors, { name: 'email', label: labels.email, hint: t('account.emailHint'), type: 'email', value: values.email, autocomplete: 'username', required: true })}
!${field(ctx, errors, { name: 'password', label: labels.password, hint: t('account.passwordHint'), type: 'password', autocomplete: 'new-password', required: true })}
!${field(ctx, errors, { name: 'confirm', label: labels.confirm, type: 'password', autocomplete: 'new-password', required: true })}
<p><button type="submit">${t(`${options.kind}.submit`)}</button></p>
</form>`
  return layout(ctx, { title: t(`${options.kind}.title`), body, narrow: true })
}

/** The e-mail and password form. */
export function loginPage(
  ctx: PageContext,
  options: { next: string; email?: string; errors: FieldErrors; notice?: string; alert?: string },
): string {
  const { t } = ctx
  const labels = { email: t('account.email'), password: t('account.password') }
  const body = html`<h1>${t('login.title')}</h1>
!${noticeLine(options.notice)}
!${alertBox(ctx, options.alert)}
!${errorSummary(ctx, options.errors, labels)}
<form class="stack" method="post" action="/login" novalidate>
!${csrfField(ctx)}
<input type="hidden" name="next" value="${options.next}">
!${field(ctx, options.errors, { name: 'email', label: labels.email, type: 'email', value: options.email, autocomplete: 'username', required: true })}
!${field(ctx, options.errors, { name: 'password', label: labels.password, type: 'password', autocomplete: 'current-password', required: true })}
<p><button type="submit">${t('login.submit')}</button></p>
</form>
<p class="hint">${t('login.forgot')}</p>`
  return layout(ctx, { title: t('login.title'), body, narrow: true })
}

/** The second step: a TOTP code or a recovery code. */
export function totpPage(
  ctx: PageContext,
  options: { next: string; errors: FieldErrors; passkey?: boolean; alert?: string },
): string {
  const { t } = ctx
  const labels = { code: t('totp.code') }
  const body = html`<h1>${t('totp.title')}</h1>
!${alertBox(ctx, options.alert)}
!${errorSummary(ctx, options.errors, labels)}
<form class="stack" method="post" action="/login/totp" novalidate>
!${csrfField(ctx)}
<input type="hidden" name="next" value="${options.next}">
!${field(ctx, options.errors, { name: 'code', label: labels.code, hint: t('totp.codeHint'), autocomplete: 'one-time-code', required: true, maxlength: 20 })}
<p><button type="submit">${t('totp.submit')}</button></p>
</form>
!${
    options.passkey
      ? html`<p><button type="button" class="secondary" hidden data-passkey="login" data-next="${options.next}" data-failed="${t('passkeys.failed')}" aria-controls="passkey-status">${t('passkeys.signIn')}</button></p>
<p id="passkey-status" role="status" aria-live="polite"></p>`
      : ''
  }
<form method="post" action="/logout">!${csrfField(ctx)}<button class="secondary" type="submit">${t('totp.cancel')}</button></form>`
  const scripts = options.passkey ? ['webauthn.js', 'passkeys.js'] : []
  return layout(ctx, { title: t('totp.title'), body, narrow: true, scripts })
}

/** Right after signing in: how many attempts on the account failed since the previous sign-in. */
export function signInNoticePage(ctx: PageContext, options: { count: number; next: string }): string {
  const { t } = ctx
  const body = html`<h1>${t('signinNotice.title')}</h1>
<p role="status">${t('signinNotice.count', { count: options.count })}</p>
<p>${t('signinNotice.ifNotYou')} <a href="/account#field-current">${t('signinNotice.changePassword')}</a></p>
<p><a class="button" href="${options.next}">${t('signinNotice.continue')}</a></p>`
  return layout(ctx, { title: t('signinNotice.title'), body, narrow: true })
}

/** A new password through a reset link. */
export function resetPage(
  ctx: PageContext,
  options: { action: string; email: string; errors: FieldErrors },
): string {
  const { t } = ctx
  const labels = { password: t('account.newPassword'), confirm: t('account.confirm') }
  const body = html`<h1>${t('reset.title')}</h1>
<p>${t('reset.intro', { email: options.email })}</p>
<p>${t('reset.consequences')}</p>
!${errorSummary(ctx, options.errors, labels)}
<form class="stack" method="post" action="${options.action}" novalidate>
!${csrfField(ctx)}
!${field(ctx, options.errors, { name: 'password', label: labels.password, hint: t('account.passwordHint'), type: 'password', autocomplete: 'new-password', required: true })}
!${field(ctx, options.errors, { name: 'confirm', label: labels.confirm, type: 'password', autocomplete: 'new-password', required: true })}
<p><button type="submit">${t('reset.submit')}</button></p>
</form>`
  return layout(ctx, { title: t('reset.title'), body, narrow: true })
}
