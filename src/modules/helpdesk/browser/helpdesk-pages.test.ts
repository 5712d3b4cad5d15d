/**
 * The help desk in Chromium, with JavaScript off (Tor Browser at its safest) and on: a writer reports
 * a detention, gets a receipt and opens the report with it; a lawyer finds it in the queue, reads it,
 * replies with a template, makes it into a chronicle event that names no one, and closes it; the
 * writer reads the reply and answers. With JavaScript on every page visited also passes axe.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import {
  axeReview,
  button,
  follow,
  heading,
  jsModes,
  link,
  newPage,
  slow,
  staffPage,
  text,
  visit,
} from '../../../../test/support/browser.ts'
import { useServerAndBrowser } from '../../../../test/support/server.ts'
import { addWorker } from '../commands/add-worker.ts'
import { openHelpdesk } from '../commands/open-helpdesk.ts'
import { spendProof } from '../commands/spend-proof.ts'

const running = useServerAndBrowser()
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true })
const notice = (page: Page) => text(page.locator('main .notice'))

// The desk every mode's lawyer joins; opened by the first scenario that needs it.
let deskId = ''
async function joinDesk(role: string): Promise<void> {
  const db = running.server.store.db
  const user = await db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .select('users.id')
    .where('user_roles.role', '=', role)
    .orderBy('users.created_at', 'desc')
    .executeTakeFirstOrThrow()
  if (!deskId) {
    deskId = await openHelpdesk(db, {
      slug: 'browser',
      name: 'Browser desk',
      takesRest: true,
      regionIds: [],
      retentionDays: 90,
      actorId: user.id,
    })
  }
  await addWorker(db, { deskId, userId: user.id, actorId: user.id })
}

for (const mode of jsModes) {
  describe(`the help desk, ${mode.label}`, () => {
    const suffix = mode.javaScriptEnabled ? 'on' : 'off'
    const who = `Kuznetsova Anna Sergeevna (${suffix})`
    const axe = axeReview(mode)
    let lawyer: Page
    let writer: Page
    let receipt = ''

    test('a writer reports a detention without an account and gets a receipt', slow, async () => {
      lawyer = await staffPage(running, ['lawyer'], axe.options)
      await joinDesk('lawyer')
      writer = await newPage(running.browser, axe.options)
      await visit(writer, `${running.server.url}/help`)
      assert.equal(await heading(writer), 'Help after a detention')
      await axe.look(writer, 'help start')
      await follow(writer, link(writer, 'Someone was detained'))
      await axe.look(writer, 'detained form')

      const refused = await follow(writer, button(writer, 'Send'))
      assert.equal(refused.status(), 400)
      assert.match(await text(writer.locator('main [role="alert"]')), /Tell us at least/)
      await axe.look(writer, 'detained form with errors')

      await writer.getByRole('checkbox', { name: 'A lawyer' }).check()
      await field(writer, 'Full name').fill(who)
      await writer.getByRole('checkbox', { name: 'Health problems' }).check()
      await field(writer, 'Police station').fill('OVD Tverskoy')
      await field(writer, 'Anything else that matters').fill('Needs her asthma inhaler')
      if (mode.javaScriptEnabled) {
        // The proof-of-work widget has solved its challenge in workers and put the solution in the
        // form's address, and the server accepts it.
        await writer.waitForFunction(
          () => document.querySelector('form[action^="/help/detained?altcha="]'),
          null,
          {
            timeout: 60_000,
          },
        )
        const action = await writer.locator('form[action^="/help/detained"]').getAttribute('action')
        const proof = new URL(action ?? '', running.server.url).searchParams.get('altcha')
        assert.equal(await spendProof(running.server.store.db, proof), true)
        await axe.look(writer, 'detained form with its proof of work')
      } else {
        assert.equal(await writer.locator('.proof').isVisible(), false)
      }
      const sent = await follow(writer, button(writer, 'Send'))
      assert.equal(sent.status(), 201)
      assert.equal(await heading(writer), 'Your request has been received')
      receipt = await text(writer.locator('.receipt strong'))
      assert.match(receipt, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){4}$/)
      await axe.look(writer, 'receipt')

      await follow(writer, link(writer, 'Open my request with the receipt'))
      await field(writer, 'Receipt').fill(receipt.toLowerCase().replaceAll('-', ' '))
      await follow(writer, button(writer, 'Open'))
      assert.equal(await heading(writer), 'Your request')
      assert.match(await text(writer.locator('main')), /No answer yet/)
      await axe.look(writer, 'report with the receipt')
      axe.assertNone()
    })

    test(
      'a lawyer reads it, replies with a template, makes a chronicle event of it and closes it',
      slow,
      async () => {
        await follow(lawyer, link(lawyer, 'Queue'))
        assert.equal(await heading(lawyer), 'Help desk queue')
        await axe.look(lawyer, 'queue')
        // The other mode's report is open again (its writer answered after it was closed) and its time
        // is kept only to ten minutes, so the lawyer shows new reports only: this mode's is the one.
        await field(lawyer, 'Status').selectOption({ label: 'New' })
        await field(lawyer, 'About the person').selectOption({ label: 'Health problems' })
        await follow(lawyer, button(lawyer, 'Show'))
        assert.equal(await lawyer.getByRole('link', { name: 'Detention', exact: true }).count(), 1)
        assert.equal(await lawyer.locator('main .tag', { hasText: 'Health problems' }).count(), 1)
        await follow(lawyer, lawyer.getByRole('link', { name: 'Detention', exact: true }))
        assert.match(await text(lawyer.locator('main')), new RegExp(who.replace(/[().,]/g, '.')))
        await axe.look(lawyer, 'report')

        await field(lawyer, 'Template').selectOption({ label: 'What to say at the police station' })
        await follow(lawyer, button(lawyer, 'Fill in'))
        assert.match(await field(lawyer, 'Text').inputValue(), /Article 51 of the Constitution/)
        await follow(lawyer, button(lawyer, 'Send'))
        assert.match(await notice(lawyer), /Your reply was sent/)

        await follow(lawyer, link(lawyer, 'Make a chronicle event from this report'))
        assert.equal(await heading(lawyer), 'Make a chronicle event')
        await axe.look(lawyer, 'convert')
        await follow(lawyer, button(lawyer, 'Create the event'))
        assert.match(await notice(lawyer), /A chronicle event was made from this report/)
        const event = await running.server.store.db
          .selectFrom('chronicle_events')
          .select(['title', 'summary', 'locality', 'sensitive', 'published_at'])
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow()
        const shown = JSON.stringify(event)
        assert.ok(!shown.includes('Anna') && !shown.includes('Tverskoy') && !shown.includes('asthma'), shown)
        assert.equal(event.sensitive, true)
        assert.equal(event.published_at, null)

        await field(lawyer, 'Status').selectOption({ label: 'Closed' })
        await field(lawyer, 'Outcome').selectOption({ label: 'Helped' })
        await follow(lawyer, button(lawyer, 'Change status'))
        assert.match(await notice(lawyer), /The status was changed/)
        await axe.look(lawyer, 'closed report')
        axe.assertNone()
      },
    )

    test('the writer reads the reply with the receipt and answers', slow, async () => {
      await visit(writer, `${running.server.url}/help/report`)
      await field(writer, 'Receipt').fill(receipt)
      await follow(writer, button(writer, 'Open'))
      assert.match(await text(writer.locator('main')), /Article 51 of the Constitution/)
      await field(writer, 'Message').fill('She was released at 23:00, thank you')
      await follow(writer, button(writer, 'Send'))
      assert.match(await notice(writer), /Your message has been sent/)
      assert.match(await text(writer.locator('main')), /She was released at 23:00/)
      await axe.look(writer, 'report after answering')
      axe.assertNone()
    })

    test('a coordinator adds a reply template, fixes a mistake in it, and deletes it', slow, async () => {
      const coordinator = await staffPage(running, ['coordinator'], axe.options)
      await follow(coordinator, link(coordinator, 'Reply templates'))
      assert.equal(await heading(coordinator), 'Reply templates')
      await axe.look(coordinator, 'templates')
      await field(coordinator, 'Code').fill(`visit-${suffix}`)
      await field(coordinator, 'Title (English)').fill('Visiting hours')
      const refused = await follow(coordinator, button(coordinator, 'Add the template'))
      assert.equal(refused.status(), 400)
      assert.match(await text(coordinator.locator('main [role="alert"]')), /Write the text for this language/)
      await axe.look(coordinator, 'template with errors')
      await field(coordinator, 'Text (English)').fill('The detention centre takes parcels on Tuesdays.')
      await follow(coordinator, button(coordinator, 'Add the template'))
      assert.match(await notice(coordinator), /The template was added/)

      await follow(coordinator, link(coordinator, 'Visiting hours'))
      await axe.look(coordinator, 'template')
      await follow(coordinator, link(coordinator, 'Delete this template'))
      assert.equal(await heading(coordinator), 'Delete the template?')
      await axe.look(coordinator, 'delete template')
      await follow(coordinator, button(coordinator, 'Delete'))
      assert.match(await notice(coordinator), /The template was deleted/)
      axe.assertNone()
    })
  })
}
