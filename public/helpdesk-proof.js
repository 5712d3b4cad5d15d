// The optional proof of work on the help desk's report forms (src/modules/helpdesk/proof-of-work.ts).
// With JavaScript on, ALTCHA's widget solves a challenge in workers while the writer fills in the
// form; once solved, the solution goes into the form's address, where the server reads it before the
// body (so a flood over the limit is turned away before its photos are read). It lets a report past
// the limit per address. Without JavaScript the box stays hidden and the form works as before.
for (const box of document.querySelectorAll('[data-proof-challenge]')) {
  const form = box.closest('form')
  const action = form.getAttribute('action')
  const worker = box.dataset.proofWorker
  globalThis.$altcha.algorithms.set('PBKDF2/SHA-256', () => new Worker(worker))
  const widget = document.createElement('altcha-widget')
  widget.setAttribute('challenge', box.dataset.proofChallenge)
  widget.setAttribute('auto', 'onload')
  widget.setAttribute('name', 'altcha')
  widget.setAttribute('workers', '2')
  widget.setAttribute('language', document.documentElement.lang)
  // No interaction signature: the widget records nothing of how the writer moves or types.
  widget.setAttribute(
    'configuration',
    JSON.stringify({ hideLogo: true, hideFooter: true, humanInteractionSignature: false }),
  )
  widget.addEventListener('verified', (event) => {
    form.setAttribute('action', `${action}?altcha=${encodeURIComponent(event.detail.payload)}`)
  })
  box.append(widget)
  box.hidden = false
}
