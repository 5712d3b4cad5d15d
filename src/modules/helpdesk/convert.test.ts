import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { translator } from '../../platform/i18n.ts'
import { factFields, textFields } from '../chronicle/index.ts'
import { eventDraft } from './present.ts'
import { reportOfMember } from './queries/reports.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff
let desk: Agent

before(async () => {
  ;({
    t,
    members: [lawyer],
  } = await appWithDesk(['lawyer'], 'moscow-desk'))
  desk = await signIn(t.app, lawyer)
})
after(() => t.close())

// Anything that would tell a reader of the chronicle the event came from the help desk.
const pointsBack = /lifeline|help ?desk|helpdesk|линия помощи|лінія допомоги|moscow-desk|горяч/i

describe('a report made into a chronicle event', () => {
  for (const locale of ['en', 'ru', 'uk'] as const)
    it(`names no help desk in its source (${locale})`, async () => {
      const sent = await sendDetained(agent(t.app, locale), {
        who: 'Anna',
        place: 'Pushkinskaya',
        needs: ['lawyer'],
        publishFacts: 'yes',
      })
      assert.equal(sent.statusCode, 201)
      const { id } = await t.store.db
        .selectFrom('helpdesk_reports')
        .select('id')
        .where('chronicle_event_id', 'is', null)
        .executeTakeFirstOrThrow()
      await desk.get(`/staff/helpdesk/reports/${id}/convert?lang=${locale}`)
      const report = (await reportOfMember(t.store.db, id, lawyer.id))!
      const draft = eventDraft(report, null, null, locale)
      // As the page's form sends it: every field, the empty ones too.
      const blank = Object.fromEntries([...textFields, ...factFields].map((field) => [field, '']))
      const made = await desk.post(`/staff/helpdesk/reports/${id}/convert`, { ...blank, ...draft })
      assert.equal(made.statusCode, 303, /<main[\s\S]*<\/main>/.exec(made.body)?.[0])
      const { chronicle_event_id } = await t.store.db
        .selectFrom('helpdesk_reports')
        .select('chronicle_event_id')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      assert.ok(chronicle_event_id)
      const sources = await t.store.db
        .selectFrom('chronicle_sources')
        .selectAll()
        .where('event_id', '=', chronicle_event_id)
        .execute()
      assert.equal(sources.length, 1)
      const [source] = sources
      assert.equal(source!.description, translator(locale)('helpdesk.convert.source'))
      assert.doesNotMatch(JSON.stringify(source), pointsBack)
      assert.equal(source!.published_on, null, 'no date of the report')
      const event = await t.store.db
        .selectFrom('chronicle_events')
        .select(['published_at', 'sensitive'])
        .where('id', '=', chronicle_event_id)
        .executeTakeFirstOrThrow()
      assert.equal(event.published_at, null, 'editors verify it before anything is public')
      assert.equal(event.sensitive, true)
    })
})
