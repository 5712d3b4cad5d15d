/** Pages about one's own account: TOTP enrolment, recovery codes, password. */
import { html } from 'ghtml'
import { errorSummary, field } from '../../html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../html/layout.ts'
import { formatDateTime } from '../../i18n.ts'
import type { FieldErrors } from '../../validation.ts'

/** Set up TOTP: QR code as inline SVG, the secret as text, and a code to confirm. */
export function enrolPage(
  ctx: PageContext,
  options: { svg: string; secret: string; required: boolean; errors: FieldErrors },
): string {
  const { t } = ctx
  const grouped = options.secret.match(/.{1,4}/g)?.join(' ') ?? options.secret
  const body = html`<h1>${t('enrol.title')}</h1>
<p>${options.required ? t('enrol.required') : t('enrol.optional')}</p>
<ol>
<li>${t('enrol.step1')}</li>
<li>${t('enrol.step2')}
<figure class="qr"><div role="img" aria-label="${t('enrol.qrAlt')}">!${options.svg}</div>
<figcaption>${t('enrol.secretText')} <span class="secret">${grouped}</span></figcaption></figure></li>
<li>${t('enrol.step3')}</li>
</ol>
!${errorSummary(ctx, options.errors, { code: t('totp.code') })}
<form class="stack" method="post" action="/account/totp" novalidate>
!${csrfField(ctx)}
!${field(ctx, options.errors, { name: 'code', label: t('totp.code'), hint: t('enrol.codeHint'), autocomplete: 'one-time-code', inputmode: 'numeric', required: true, maxlength: 10 })}
<p><button type="submit">${t('enrol.submit')}</button></p>
</form>`
  return layout(ctx, { title: t('enrol.title'), body, narrow: true })
}

/** Freshly made recovery codes, shown once. */
export function recoveryCodesPage(ctx: PageContext, codes: string[]): string {
  const { t } = ctx
  const body = html`<h1>${t('recovery.title')}</h1>
<p>${t('recovery.intro')}</p>
<ul class="codes">!${codes.map((code) => html`<li>${code}</li>`).join('')}</ul>
<p><a class="button" href="/staff">${t('recovery.done')}</a></p>`
  return layout(ctx, { title: t('recovery.title'), body, narrow: true })
}

/** One's own account: factors, recovery codes, password change. */
export function accountOverview(
  ctx: PageContext,
  options: {
    email: string
    /** The fingerprint of the member's public key (primitives.ts `fingerprint`). */
    keyFingerprint: string
    totpEnabled: boolean
    codesLeft: number
    /** The member's passkeys; null where passkeys can't work (the site is reached by IP address). */
    passkeys: { id: string; name: string; created_at: Date; last_used_at: Date | null }[] | null
    errors: FieldErrors
    /** What was wrong with the code asked for before new recovery codes (reauth.ts). */
    proofErrors?: FieldErrors
    notice?: string
  },
): string {
  const { t } = ctx
  const labels = {
    current: t('account.currentPassword'),
    password: t('account.newPassword'),
    confirm: t('account.confirm'),
  }
  const body = html`<h1>${t('account.title')}</h1>
!${noticeLine(options.notice)}
<p>${t('account.signedInAs', { email: options.email })}</p>
<h2>${t('account.secondFactor')}</h2>
<p>${options.totpEnabled ? t('account.totpOn') : t('account.totpOff')}</p>
!${options.totpEnabled ? '' : html`<p><a class="button" href="/account/totp">${t('account.setUpTotp')}</a></p>`}
!${
    options.totpEnabled
      ? html`<p>${t('account.codesLeft', { count: options.codesLeft })}</p>
!${errorSummary(ctx, options.proofErrors ?? {}, { code: t('reauth.code') })}
<form class="stack" method="post" action="/account/recovery-codes" novalidate>
!${csrfField(ctx)}
!${field(ctx, options.proofErrors ?? {}, { name: 'code', label: t('reauth.code'), hint: t('reauth.codesHint'), autocomplete: 'one-time-code', required: true, maxlength: 40 })}
<p><button class="secondary" type="submit">${t('account.newCodes')}</button></p>
</form>`
      : ''
  }
!${options.passkeys && options.totpEnabled ? passkeySection(ctx, options.passkeys) : ''}
<h2>${t('keys.title')}</h2>
<p>${t('keys.yourFingerprint')}</p>
<p class="secret fingerprint">${options.keyFingerprint}</p>
<p class="hint">${t('keys.yourHint')}</p>
<h2>${t('account.changePassword')}</h2>
!${errorSummary(ctx, options.errors, labels)}
<form class="stack" method="post" action="/account/password" novalidate>
!${csrfField(ctx)}
!${field(ctx, options.errors, { name: 'current', label: labels.current, type: 'password', autocomplete: 'current-password', required: true })}
!${field(ctx, options.errors, { name: 'password', label: labels.password, hint: t('account.passwordHint'), type: 'password', autocomplete: 'new-password', required: true })}
!${field(ctx, options.errors, { name: 'confirm', label: labels.confirm, type: 'password', autocomplete: 'new-password', required: true })}
<p><button type="submit">${t('account.changePasswordSubmit')}</button></p>
</form>`
  const scripts = options.passkeys && options.totpEnabled ? ['webauthn.js', 'passkeys.js'] : []
  return layout(ctx, { title: t('account.title'), body, narrow: true, scripts })
}

function passkeySection(
  ctx: PageContext,
  passkeys: { id: string; name: string; created_at: Date; last_used_at: Date | null }[],
) {
  const { t, locale } = ctx
  const rows = passkeys
    .map(
      (
        key,
      ) => html`<li>${key.name} <span class="hint">${t('passkeys.added_on', { date: formatDateTime(key.created_at, locale) })}</span>
<form class="inline" method="post" action="/account/passkeys/${encodeURIComponent(key.id)}?_method=DELETE">!${csrfField(ctx)}<button class="link-button" type="submit">${t('passkeys.remove')}</button></form></li>`,
    )
    .join('')
  return html`<h2>${t('passkeys.title')}</h2>
<p>${t('passkeys.intro')}</p>
!${passkeys.length ? html`<ul>!${rows}</ul>` : html`<p>${t('passkeys.none')}</p>`}
<noscript><p>${t('passkeys.needsScript')}</p></noscript>
<div class="stack">
!${field(ctx, {}, { name: 'passkeyName', label: t('passkeys.name'), hint: t('passkeys.nameHint'), maxlength: 60 })}
!${field(ctx, {}, { name: 'passkeyCode', label: t('reauth.code'), hint: t('reauth.passkeyHint'), autocomplete: 'one-time-code', maxlength: 40 })}
<p><button type="button" class="secondary" hidden data-passkey="register" data-failed="${t('passkeys.failed')}" aria-controls="passkey-status">${t('passkeys.add')}</button></p>
<p id="passkey-status" role="status" aria-live="polite"></p>
</div>`
}
