/**
 * Every table that scrolls sideways on a narrow screen sits in a box the keyboard can reach and that
 * is named by the table's caption (axe: scrollable-region-focusable), on public and staff pages alike.
 * The browser test src/modules/chronicle/browser/narrow-screens.test.ts runs axe on a phone-sized screen.
 */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import {
  ensureTerms,
  insertAct,
  insertCase,
  insertEvents,
  insertPerson,
} from '../src/modules/chronicle/testing/events.ts'
import { agent } from './support/agent.ts'
import { type TestApp, testApp } from './support/app.ts'
import { createStaff, signIn } from './support/factories.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

/** What is wrong with the page's table boxes; none shown at all is wrong too. */
function unreachableTables(page: string): string[] {
  const boxes = [...page.matchAll(/<div class="table-wrap"[^>]*>\s*<table[^>]*>\s*(<caption[^>]*>)?/g)]
  if (!boxes.length) return ['no table']
  return boxes.flatMap(([box, caption]) => {
    const named = /^<div class="table-wrap" role="region" tabindex="0" aria-labelledby="([^"]+)">/.exec(box)
    return named && caption === `<caption id="${named[1]}">` ? [] : [box]
  })
}

test('table boxes take keyboard focus and are named by their caption', async () => {
  const db = t.store.db
  const terms = await ensureTerms(db)
  const [eventId, crimea] = (await insertEvents(db, [
    { title: { en: 'Picketers detained in Tula' }, region_id: terms.region['RU-TUL'], detained: 3 },
    // The map has no shape for Crimea, so the statistics page lists it in a table of its own.
    { title: { en: 'A picket in Simferopol' }, region_id: terms.region['UA-43'], detained: 1 },
  ])) as [number, number]
  const personId = await insertPerson(db, { visibility: 'anonymous', locality: 'Тула' })
  const caseId = await insertCase(db, { kind: 'administrative' })
  await db.insertInto('chronicle_case_stages').values({ case_id: caseId, stage: 'Суд' }).execute()
  for (const event_id of [eventId, crimea])
    await insertAct(db, {
      event_id,
      act_type_id: terms.act_type.detention!,
      person_id: personId,
      case_id: caseId,
    })
  const admin = await signIn(t.app, await createStaff(db, { roles: ['admin'] }))

  const problems: string[] = []
  const pages = [
    [agent(t.app), `/chronicle/events/${eventId}`],
    [agent(t.app), `/chronicle/persons/${personId}`],
    [agent(t.app), `/chronicle/cases/${caseId}`],
    [agent(t.app), '/chronicle/stats'],
    [admin, '/staff/users'],
    [admin, '/staff/audit'],
  ] as const
  for (const [visitor, path] of pages) {
    const response = await visitor.get(path)
    assert.equal(response.statusCode, 200, path)
    problems.push(...unreachableTables(response.body).map((problem) => `${path}: ${problem}`))
  }
  assert.deepEqual(problems, [])
})
