import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import { createStaff } from '../../../../test/support/factories.ts'
import { newFormToken } from '../../../platform/intake/form-tokens.ts'
import { submitReport } from '../commands/submit-report.ts'
import { helpdeskWith } from '../testing/desk-setup.ts'
import { openCounts, type QueueFilter, queueFilterSchema, readQueue } from './queue.ts'

let store: TestStore
let memberOfBoth: string
let deskA: string
let deskB: string
let deskOther: string

// 130 reports on each of three desks, copies of one real report with set urgencies, statuses and
// times (many sharing a time, as received times are rounded to 10 minutes).
before(async () => {
  store = await testStore()
  const { db } = store
  const admin = await createStaff(db, { roles: ['admin'] })
  const lawyer = await createStaff(db, { roles: ['lawyer'] })
  const stranger = await createStaff(db, { roles: ['lawyer'] })
  memberOfBoth = lawyer.id
  deskA = await helpdeskWith(db, admin.id, [lawyer.id], 'a')
  deskB = await helpdeskWith(db, admin.id, [lawyer.id], 'b')
  deskOther = await helpdeskWith(db, admin.id, [stranger.id], 'other')
  await submitReport(db, {
    content: { form: 'legal', locale: 'en', category: 'fine', details: 'A fine', photos: 0 } as never,
    regionId: null,
    token: newFormToken(),
    photos: [],
  })
  await sql`
    INSERT INTO helpdesk_reports (desk_id, receipt_lookup, writer_key, form, category, urgency, received_at,
      status, closed_at, outcome, content_id, writer_copy)
    SELECT d.id, decode(md5(d.id::text || g::text), 'hex'), t.writer_key, 'legal',
      (ARRAY['fine', 'search', 'summons'])[1 + g % 3],
      (ARRAY['urgent', 'high', 'normal', 'normal'])[1 + g % 4],
      timestamptz '2026-12-01 12:00Z' - make_interval(mins => (g % 17) * 10),
      (ARRAY['new', 'in_progress', 'waiting', 'closed', 'new'])[1 + g % 5],
      CASE WHEN g % 5 = 3 THEN now() END, CASE WHEN g % 5 = 3 THEN 'helped' END,
      t.content_id, t.writer_copy
    FROM (SELECT * FROM helpdesk_reports LIMIT 1) t,
      unnest(${[deskA, deskB, deskOther]}::uuid[]) AS d(id), generate_series(1, 130) g`.execute(db)
  await sql`DELETE FROM helpdesk_reports WHERE received_at > timestamptz '2026-12-02Z'`.execute(db)
})
after(() => store.close())

type Row = { id: string; desk_id: string; urgency: string; received_at: Date; status: string }
const rank = (urgency: string) => ['urgent', 'high', 'normal'].indexOf(urgency)
const byQueueOrder = (a: Row, b: Row) =>
  rank(a.urgency) - rank(b.urgency) ||
  a.received_at.getTime() - b.received_at.getTime() ||
  (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

/** Every page of the queue under `filter`, followed by its cursor, as ids. */
async function allPages(filter: Partial<QueueFilter>): Promise<string[]> {
  const ids: string[] = []
  let after: string | undefined
  for (let pages = 0; pages < 20; pages++) {
    const page = await readQueue(store.db, memberOfBoth, queueFilterSchema.parse({ ...filter, after }))
    ids.push(...page.rows.map((row) => row.id))
    if (!page.next) return ids
    after = page.next
  }
  throw new Error('the queue never ended')
}

/** The same reports read plainly and sorted here. */
async function expected(keep: (row: Row) => boolean): Promise<string[]> {
  const rows = await store.db
    .selectFrom('helpdesk_reports')
    .select(['id', 'desk_id', 'urgency', 'received_at', 'status'])
    .where('desk_id', 'in', [deskA, deskB])
    .execute()
  return (rows as Row[])
    .filter(keep)
    .sort(byQueueOrder)
    .map((row) => row.id)
}

describe('the queue across a member’s desks', () => {
  it('lists both desks’ open reports merged in order, page after page, and nothing of another desk', async () => {
    const shown = await allPages({})
    assert.deepEqual(shown, await expected((row) => row.status !== 'closed'))
    assert.equal(shown.length, 208, '2 desks × 130 reports, less the closed fifth')
  })

  it('keeps the order under each filter, starting at the urgency asked for', async () => {
    assert.deepEqual(
      await allPages({ urgency: 'normal', status: 'waiting' }),
      await expected((row) => row.urgency === 'normal' && row.status === 'waiting'),
    )
    assert.deepEqual(
      await allPages({ urgency: 'high' }),
      await expected((row) => row.urgency === 'high' && row.status !== 'closed'),
    )
    assert.deepEqual(await allPages({ status: 'closed' }), await expected((row) => row.status === 'closed'))
  })
})

describe('the open counts', () => {
  // What the heading should show, counted live.
  const live = async () => {
    const rows = await store.db
      .selectFrom('helpdesk_reports')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .where('desk_id', 'in', [deskA, deskB])
      .where('status', '<>', 'closed')
      .groupBy('status')
      .execute()
    const counts = { new: 0, in_progress: 0, waiting: 0, closed: 0 }
    for (const row of rows) counts[row.status] = Number(row.n)
    return counts
  }

  it('match a live count through inserts, status changes, moves between desks, closing, reopening and deletes', async () => {
    const { db } = store
    assert.deepEqual(await openCounts(db, memberOfBoth), await live())
    const steps = [
      sql`UPDATE helpdesk_reports SET status = 'in_progress' WHERE status = 'new' AND category = 'fine'`,
      sql`UPDATE helpdesk_reports SET desk_id = ${deskOther} WHERE desk_id = ${deskA} AND urgency = 'high'`,
      sql`UPDATE helpdesk_reports SET status = 'closed', closed_at = now(), outcome = 'helped'
          WHERE status = 'waiting' AND category = 'search'`,
      sql`UPDATE helpdesk_reports SET status = 'in_progress', closed_at = NULL, outcome = NULL
          WHERE status = 'closed' AND category = 'summons'`,
      sql`UPDATE helpdesk_reports SET writer_waiting = true WHERE desk_id = ${deskB}`,
      sql`DELETE FROM helpdesk_reports WHERE urgency = 'urgent' AND category = 'fine'`,
    ]
    for (const step of steps) {
      await step.execute(db)
      assert.deepEqual(await openCounts(db, memberOfBoth), await live())
    }
    await submitReport(db, {
      content: { form: 'legal', locale: 'en', category: 'fine', details: 'Another', photos: 0 } as never,
      regionId: null,
      token: newFormToken(),
      photos: [],
    })
    const counts = await openCounts(db, memberOfBoth)
    assert.deepEqual(counts, await live())
  })
})
