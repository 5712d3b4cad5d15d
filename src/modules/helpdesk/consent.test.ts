import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { convertFormValues } from './testing/convert-form.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, reportCount, sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff
let desk: Agent

before(async () => {
  ;({
    t,
    members: [lawyer],
  } = await appWithDesk(['lawyer'], 'consent-desk'))
  desk = await signIn(t.app, lawyer)
})
after(() => t.close())

type Sent = { id: string; receipt: string; writer: Agent; place: string; who: string }

// A detention report with a place and a name only this report has, so any output that shows them is found.
async function reported(answers: Record<string, string | string[]>): Promise<Sent> {
  const tag = randomBytes(4).toString('hex')
  const place = `Place${tag}`
  const who = `Name${tag}`
  const writer = agent(t.app, 'en')
  // Told apart from those sent before by id: times are kept to ten minutes, so many share one.
  const known = (await t.store.db.selectFrom('helpdesk_reports').select('id').execute()).map((r) => r.id)
  const sent = await sendDetained(writer, { who, place, details: `Story ${tag}`, ...answers })
  assert.equal(sent.statusCode, 201, sent.body.slice(0, 500))
  const receipt = shownReceipt(sent.body)
  let query = t.store.db.selectFrom('helpdesk_reports').select('id')
  if (known.length) query = query.where('id', 'not in', known)
  const { id } = await query.executeTakeFirstOrThrow()
  return { id, receipt, writer, place, who }
}

// A page's text with the apostrophes the templates escape put back.
const readable = (body: string) => body.replaceAll('&#39;', "'")
// A page's main part, for a failure's message.
const main = (body: string) => /<main[\s\S]*<\/main>/.exec(body)?.[0] ?? body.slice(0, 2000)

const row = (id: string) =>
  t.store.db
    .selectFrom('helpdesk_reports')
    .select(['consent_withdrawn', 'chronicle_event_id'])
    .where('id', '=', id)
    .executeTakeFirstOrThrow()
const messageCount = async (id: string) =>
  Number(
    (
      await t.store.db
        .selectFrom('helpdesk_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('report_id', '=', id)
        .executeTakeFirstOrThrow()
    ).n,
  )

// Withdrawal as a writer does it: open the request, the button, then the confirmation.
async function withdraw(sent: Sent) {
  const page = await sent.writer.post('/help/report', { receipt: sent.receipt })
  assert.equal(page.statusCode, 200)
  const step = await sent.writer.post('/help/report/withdraw', { receipt: sent.receipt })
  return { step, confirmed: await confirmStep(sent, step.body) }
}
async function confirmStep(sent: Sent, page: string) {
  return sent.writer.post('/help/report/withdraw', {
    receipt: sent.receipt,
    token: formToken(page),
    confirm: 'yes',
  })
}

// Converting as a member does: the page's draft sent back, with the sensitive box unticked if asked.
async function convert(id: string, options: { untick?: boolean } = {}) {
  const page = await desk.get(`/staff/helpdesk/reports/${id}/convert`)
  assert.equal(page.statusCode, 200)
  const values = convertFormValues(page.body)
  const { sensitive, ...unticked } = values
  assert.equal(sensitive, '1', 'the draft is sensitive')
  const made = await desk.post(`/staff/helpdesk/reports/${id}/convert`, options.untick ? unticked : values)
  return { page, values, made }
}
async function eventOf(id: string) {
  const { chronicle_event_id } = await row(id)
  assert.ok(chronicle_event_id, 'the report was made into an event')
  return t.store.db
    .selectFrom('chronicle_events')
    .select(['id', 'sensitive', 'published_at', 'summary', 'locality'])
    .where('id', '=', chronicle_event_id)
    .executeTakeFirstOrThrow()
}

describe('who gives the consent, on the forms', () => {
  for (const form of ['detained', 'legal'])
    it(`asks it on the ${form} form, beside the boxes, with what each answer means`, async () => {
      const page = readable((await agent(t.app, 'en').get(`/help/${form}`)).body)
      assert.match(page, /Who gives this consent\?/)
      for (const value of ['self', 'agreed', 'unknown'])
        assert.match(page, new RegExp(`type="radio"[^>]*name="consentBy"[^>]*value="${value}"`))
      assert.match(page, /a relative can't agree for them/i)
      assert.match(page, /the region, the month and the number detained/)
    })

  it("takes a report whose writer doesn't know, boxes ticked, with no error", async () => {
    const before = await reportCount(t.store.db)
    const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy: 'unknown' })
    assert.equal(await reportCount(t.store.db), before + 1)
    const page = await sent.writer.post('/help/report', { receipt: sent.receipt })
    assert.match(readable(page.body), /I don't know \/ haven't asked/)
    assert.match(readable(page.body), /this consent doesn't count/)
  })

  it('sends a form with a made-up answer back with the reason, storing nothing', async () => {
    const before = await reportCount(t.store.db)
    const writer = agent(t.app, 'en')
    const sent = await sendDetained(writer, { who: 'Someone', consentBy: 'my-lawyer' })
    assert.equal(sent.statusCode, 400)
    assert.match(sent.body, /field-consentBy-error/)
    assert.equal(await reportCount(t.store.db), before)
  })

  it("shows the answer on the desk's report page", async () => {
    const sent = await reported({ publishFacts: 'yes', consentBy: 'agreed' })
    const page = (await desk.get(`/staff/helpdesk/reports/${sent.id}`)).body
    assert.match(
      page,
      /<dt>Who gives this consent\?<\/dt><dd class="text">The person it is about agreed<\/dd>/,
    )
  })
})

describe('converting a report', () => {
  it('carries the place, story and names only with consent that counts, and lets the blur go only then', async () => {
    const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy: 'self' })
    const { values, made } = await convert(sent.id, { untick: true })
    assert.equal(values.locality, sent.place)
    assert.match(values.summary_en ?? '', new RegExp(sent.who))
    assert.equal(made.statusCode, 303, main(made.body))
    assert.equal((await eventOf(sent.id)).sensitive, false, 'the member may publish the day with consent')
  })

  for (const consentBy of ['unknown', ''])
    it(`keeps the event blurred to the month when the writer's consent doesn't count (${consentBy || 'no answer'})`, async () => {
      const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy })
      const { page, values, made } = await convert(sent.id, { untick: true })
      assert.equal(values.locality ?? '', '')
      assert.doesNotMatch(JSON.stringify(values), new RegExp(`${sent.place}|${sent.who}`))
      assert.match(page.body, /The event stays sensitive/)
      assert.equal(made.statusCode, 303)
      assert.equal((await eventOf(sent.id)).sensitive, true, 'unticked, and still sensitive')
    })
})

describe('withdrawing consent through the receipt', () => {
  it('is offered only with a box ticked, and says what the writer agreed to', async () => {
    const none = await reported({})
    const page = (await none.writer.post('/help/report', { receipt: none.receipt })).body
    assert.match(readable(page), /You didn't agree to publishing/)
    assert.doesNotMatch(page, /action="\/help\/report\/withdraw"/)
    const nothing = await none.writer.post('/help/report/withdraw', { receipt: none.receipt })
    assert.match(readable(nothing.body), /there is nothing to withdraw/)
    assert.equal((await row(none.id)).consent_withdrawn, false)

    const some = await reported({ publishFacts: 'yes', consentBy: 'self' })
    const offered = (await some.writer.post('/help/report', { receipt: some.receipt })).body
    assert.match(offered, /You agreed to publishing what happened, without names/)
    assert.match(offered, /You said it is about you/)
    assert.match(offered, /action="\/help\/report\/withdraw"/)
  })

  it('asks first, then records it for the desk: a flag and a sealed message in the thread', async () => {
    const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy: 'agreed' })
    const page = await sent.writer.post('/help/report', { receipt: sent.receipt })
    const step = await sent.writer.post('/help/report/withdraw', { receipt: sent.receipt })
    assert.equal(step.statusCode, 200)
    assert.match(step.body, /Withdraw your consent\?/)
    assert.equal((await row(sent.id)).consent_withdrawn, false, 'the first step changes nothing')
    assert.equal(await messageCount(sent.id), 0)
    assert.ok(page.body)

    const done = await confirmStep(sent, step.body)
    assert.equal(done.statusCode, 200, main(done.body))
    assert.match(done.body, /Your consent is withdrawn/)
    assert.match(done.body, /You withdrew your consent/)
    assert.doesNotMatch(done.body, /action="\/help\/report\/withdraw"/)
    assert.equal((await row(sent.id)).consent_withdrawn, true)
    assert.equal(await messageCount(sent.id), 1)
    const report = (await desk.get(`/staff/helpdesk/reports/${sent.id}`)).body
    assert.match(report, /I withdraw my consent to publish/)
    assert.match(report, /<dt>Publishing<\/dt><dd><span class="tag warn">The writer withdrew consent/)
    const audited = await t.store.db
      .selectFrom('audit_log')
      .select(['actor_id', 'at'])
      .where('action', '=', 'helpdesk.consent_withdrawn')
      .where('target', '=', sent.id)
      .execute()
    assert.equal(audited.length, 1)
    assert.equal(audited[0]!.actor_id, null)
    assert.equal(audited[0]!.at.getTime() % 600_000, 0, 'dated to its ten-minute window')

    // The message is sealed: its words are in no row of the database.
    const tables = await sql<{ name: string }>`
      SELECT format('%I.%I', table_schema, table_name) AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')`.execute(
      t.store.db,
    )
    for (const { name } of tables.rows) {
      const rows = await sql<{ row: string }>`SELECT t::text AS row FROM ${sql.raw(name)} t`.execute(
        t.store.db,
      )
      for (const { row: text } of rows.rows) assert.doesNotMatch(text, /withdraw my consent/, name)
    }
  })

  it('is done once: sent again, it says so and changes nothing', async () => {
    const sent = await reported({ publishFacts: 'yes', consentBy: 'self' })
    const { step, confirmed } = await withdraw(sent)
    assert.equal(confirmed.statusCode, 200)
    // The same confirmation sent twice (a double tap), then the whole way again.
    const twice = await confirmStep(sent, step.body)
    assert.match(twice.body, /had already been withdrawn/)
    const again = await sent.writer.post('/help/report/withdraw', { receipt: sent.receipt })
    assert.match(again.body, /had already been withdrawn/)
    assert.equal(await messageCount(sent.id), 1)
    assert.equal(
      Number(
        (
          await t.store.db
            .selectFrom('audit_log')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .where('action', '=', 'helpdesk.consent_withdrawn')
            .where('target', '=', sent.id)
            .executeTakeFirstOrThrow()
        ).n,
      ),
      1,
    )
  })

  it('from then on, the conversion carries nothing that identifies and stays blurred', async () => {
    const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy: 'self' })
    await withdraw(sent)
    const { page, values, made } = await convert(sent.id, { untick: true })
    assert.match(page.body, /The writer withdrew consent/)
    assert.doesNotMatch(JSON.stringify(values), new RegExp(`${sent.place}|${sent.who}`))
    assert.equal(made.statusCode, 303)
    assert.equal((await eventOf(sent.id)).sensitive, true)
  })

  it('turns back a draft made before the withdrawal, creating nothing', async () => {
    const sent = await reported({ publishFacts: 'yes', publishNames: 'yes', consentBy: 'self' })
    const page = await desk.get(`/staff/helpdesk/reports/${sent.id}/convert`)
    const stale = convertFormValues(page.body)
    assert.equal(stale.locality, sent.place)
    await withdraw(sent)
    const made = await desk.post(`/staff/helpdesk/reports/${sent.id}/convert`, stale)
    assert.equal(made.statusCode, 409)
    assert.match(readable(made.body), /withdrew consent while you were editing/)
    assert.equal((await row(sent.id)).chronicle_event_id, null)
    assert.doesNotMatch(JSON.stringify(convertFormValues(made.body)), new RegExp(`${sent.place}|${sent.who}`))
  })
})

describe('hostile withdrawals', () => {
  it('answers a bad receipt, a bad confirmation, a missing or spent token with a 4xx, changing nothing', async () => {
    const sent = await reported({ publishFacts: 'yes', consentBy: 'self' })
    const writer = sent.writer
    const unknown = await writer.post('/help/report/withdraw', {
      receipt: 'AAAA-AAAA-AAAA-AAAA-AAAA',
      confirm: 'yes',
    })
    assert.ok(unknown.statusCode >= 400 && unknown.statusCode < 500, String(unknown.statusCode))
    const step = await writer.post('/help/report/withdraw', { receipt: sent.receipt })
    const token = formToken(step.body)
    const bodies: Record<string, string | string[]>[] = [
      { receipt: sent.receipt, token, confirm: 'no' },
      { receipt: sent.receipt, confirm: 'yes' },
      { receipt: sent.receipt, token: 'x'.repeat(5000), confirm: 'yes' },
      { receipt: sent.receipt, token, confirm: ['yes', 'yes'] },
    ]
    for (const body of bodies) {
      const response = await writer.post('/help/report/withdraw', body)
      assert.equal(response.statusCode, 400, JSON.stringify(body).slice(0, 100))
    }
    // A token already spent on a reply.
    const page = await writer.post('/help/report', { receipt: sent.receipt })
    const replyToken = formToken(page.body)
    await writer.post('/help/report/reply', { receipt: sent.receipt, token: replyToken, message: 'Hello' })
    const spent = await writer.post('/help/report/withdraw', {
      receipt: sent.receipt,
      token: replyToken,
      confirm: 'yes',
    })
    assert.equal(spent.statusCode, 400)
    assert.equal((await row(sent.id)).consent_withdrawn, false)
    assert.equal(await messageCount(sent.id), 1, 'only the reply')
    // Without the CSRF token, refused before anything is read.
    const forged = await writer.post(
      '/help/report/withdraw',
      { receipt: sent.receipt, token, confirm: 'yes' },
      { csrf: null },
    )
    assert.equal(forged.statusCode, 403)
    assert.equal((await row(sent.id)).consent_withdrawn, false)
  })
})
