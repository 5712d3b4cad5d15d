// Passkeys: an enhancement for browsers that have WebAuthn. Without JavaScript the buttons stay
// hidden and the TOTP forms beside them do the job.
;(() => {
  const webauthn = window.SimpleWebAuthnBrowser
  if (!webauthn?.browserSupportsWebAuthn()) return

  const csrf = document.querySelector('input[name="_csrf"]')?.value ?? ''

  async function call(url, body) {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const data = await response.json().catch(() => ({}))
    if (!response.ok) throw new Error(data.error?.message ?? response.statusText)
    return data
  }

  for (const button of document.querySelectorAll('[data-passkey]')) {
    const status = document.getElementById(button.getAttribute('aria-controls'))
    button.hidden = false
    button.addEventListener('click', async () => {
      button.disabled = true
      if (status) status.textContent = ''
      try {
        if (button.dataset.passkey === 'register') {
          // The current code first: a stolen session must not add a passkey of its own.
          const code = document.getElementById('field-passkeyCode')?.value ?? ''
          const optionsJSON = await call('/account/passkeys/options', { code })
          const response = await webauthn.startRegistration({ optionsJSON })
          const name = document.getElementById('field-passkeyName')?.value ?? ''
          await call('/account/passkeys', { response, name })
          window.location.assign('/account?passkey=added')
        } else {
          const optionsJSON = await call('/login/passkey/options')
          const response = await webauthn.startAuthentication({ optionsJSON })
          const result = await call('/login/passkey', { response, next: button.dataset.next })
          window.location.assign(result.next)
        }
      } catch (error) {
        if (status) status.textContent = `${button.dataset.failed} ${error.message ?? ''}`
        button.disabled = false
      }
    })
  }
})()
