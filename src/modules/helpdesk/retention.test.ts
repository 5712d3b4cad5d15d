import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { SWEEP_MARGIN_MS, sweepErasureKeys } from '../../platform/crypto/erasure-key-sweep.ts'
import { openRecord } from '../../platform/crypto/sealed-records.ts'
import { checkReceipt } from '../../platform/intake/receipts.ts'
import { addMessage } from './commands/add-message.ts'
import { deleteExpiredReports } from './commands/delete-expired-reports.ts'
import { helpdesk } from './index.ts'
import { publicCounts } from './queries/counts.ts'
import { openReport, reportOfMember } from './queries/reports.ts'
import { dueForDeletion } from './queries/retention.ts'
import { reportForWriter } from './queries/writer-view.ts'
import { receiptLookup, receiptLookupKey } from './receipt-keys.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { sendDetained, shownReceipt } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff
let coordinator: TestStaff

before(async () => {
  ;({
    t,
    members: [lawyer, coordinator],
  } = await appWithDesk(['lawyer', 'coordinator']))
})
after(() => t.close())

/** Sends `n` reports; returns their ids, newest last. */
async function reports(n: number): Promise<string[]> {
  // The ones sent here, not the latest by time: received times are coarse, so several share one,
  // and an earlier test's report (restored from a backup, its key gone) could pass for a new one.
  const ids = async () =>
    (await t.store.db.selectFrom('helpdesk_reports').select('id').execute()).map((row) => row.id)
  const before = new Set(await ids())
  for (let i = 0; i < n; i++) {
    const response = await sendDetained(agent(t.app, 'en'), { who: `Retention ${i}`, details: `Story ${i}` })
    assert.equal(response.statusCode, 201)
  }
  const sent = (await ids()).filter((id) => !before.has(id))
  assert.equal(sent.length, n)
  return sent
}

/** Closes a report as if `daysAgo` days ago, with an outcome. */
async function closedDaysAgo(id: string, daysAgo: number, outcome: 'helped' | 'not_helped' = 'helped') {
  await t.store.db
    .updateTable('helpdesk_reports')
    .set({ status: 'closed', outcome, closed_at: new Date(Date.now() - daysAgo * 86_400_000) })
    .where('id', '=', id)
    .execute()
}

async function count(table: 'sealed_records' | 'record_keys' | 'helpdesk_reports' | 'helpdesk_messages') {
  const row = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(t.store.db)
  return row.rows[0]!.n
}

describe('retention', () => {
  it('lists a week ahead what will be deleted, without content, to coordinators', async () => {
    const [soon, later] = await reports(2)
    await closedDaysAgo(soon!, 85)
    await closedDaysAgo(later!, 10)
    const due = await dueForDeletion(t.store.db, coordinator.id)
    assert.deepEqual(
      due.map((report) => report.id),
      [soon],
    )
    const desk = await signIn(t.app, coordinator)
    const page = await desk.get('/staff/helpdesk/retention')
    assert.equal(page.statusCode, 200)
    assert.ok(page.body.includes(soon!))
    assert.ok(!page.body.includes('Retention'), 'no content on the list')
  })

  it('deletes closed reports past retention with their sealed records and every key, and keeps the counts', async () => {
    const [expired, reopened, open] = await reports(3)
    await addMessage(t.store.db, { reportId: expired!, author: 'desk', authorId: lawyer.id, text: 'Reply' })
    await addMessage(t.store.db, { reportId: expired!, author: 'note', authorId: lawyer.id, text: 'Note' })
    await closedDaysAgo(expired!, 91)
    await closedDaysAgo(reopened!, 91)
    // The writer writes again: the report reopens and is kept.
    await addMessage(t.store.db, {
      reportId: reopened!,
      author: 'writer',
      authorId: null,
      text: 'Still here',
    })
    const records = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('content_id')
      .where('id', '=', expired!)
      .executeTakeFirstOrThrow()
    const messageRecords = await t.store.db
      .selectFrom('helpdesk_messages')
      .select('record_id')
      .where('report_id', '=', expired!)
      .execute()
    const gone = [records.content_id, ...messageRecords.map((row) => row.record_id)]
    // As published once today and its month are over (the counts wait for both).
    const later = new Date(Date.now() + 40 * 86_400_000)
    const countsBefore = await publicCounts(t.store.db, later)
    const receivedBefore = countsBefore.byDay.reduce((sum, row) => sum + (row.received ?? 0), 0)
    assert.ok(receivedBefore > 0, 'the reports are counted')

    const deleted = await deleteExpiredReports(t.store.db)
    assert.ok(deleted >= 1)
    const left = await t.store.db.selectFrom('helpdesk_reports').select('id').execute()
    const ids = left.map((row) => row.id)
    assert.ok(!ids.includes(expired!))
    assert.ok(ids.includes(reopened!) && ids.includes(open!))
    const stillThere = await t.store.db
      .selectFrom('sealed_records')
      .select('id')
      .where('id', 'in', gone)
      .execute()
    assert.deepEqual(stillThere, [])
    const keys = await t.store.db
      .selectFrom('record_keys')
      .select('record_id')
      .where('record_id', 'in', gone)
      .execute()
    assert.deepEqual(keys, [])
    const kept = await t.store.db.selectFrom('helpdesk_counts').selectAll().execute()
    assert.ok(kept.reduce((sum, row) => sum + row.received, 0) >= 1)
    assert.ok(kept.reduce((sum, row) => sum + row.helped, 0) >= 1)
    const countsAfter = await publicCounts(t.store.db, later)
    const receivedAfter = countsAfter.byDay.reduce((sum, row) => sum + (row.received ?? 0), 0)
    assert.equal(receivedAfter, receivedBefore, 'deleting a report does not change what was counted')
    assert.deepEqual(countsAfter.byRegion, countsBefore.byRegion)
    const audit = await t.store.db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'helpdesk.retention')
      .executeTakeFirstOrThrow()
    assert.ok(audit)
    assert.ok((await count('helpdesk_reports')) >= 2)
  })

  it('keeps a report longer when a coordinator asks, for one of the offered periods only', async () => {
    const { db } = t.store
    const [kept, open] = await reports(2)
    await closedDaysAgo(kept!, 91)
    // The first test signed in with this time step's code already: a code is taken once.
    const desk = await signIn(t.app, coordinator, 1)
    const listed = await desk.get('/staff/helpdesk/retention')
    assert.match(listed.body, new RegExp(`action="/staff/helpdesk/retention/${kept}/keep"`))
    const keepUntil = async () =>
      (
        await db
          .selectFrom('helpdesk_reports')
          .select('keep_until')
          .where('id', '=', kept!)
          .executeTakeFirstOrThrow()
      ).keep_until
    for (const days of ['7', 'abc', '100000', '-30', "30'; DROP TABLE helpdesk_reports; --"]) {
      const refused = await desk.post(`/staff/helpdesk/retention/${kept}/keep`, { days })
      assert.equal(refused.statusCode, 303)
      assert.equal(await keepUntil(), null, days)
    }
    const done = await desk.post(`/staff/helpdesk/retention/${kept}/keep`, { days: '30' })
    assert.match(String(done.headers.location), /done=kept/)
    const until = await keepUntil()
    assert.ok(until && until.getTime() > Date.now() + 29 * 86_400_000, String(until))
    // An open report is not being deleted: nothing to keep.
    await desk.post(`/staff/helpdesk/retention/${open}/keep`, { days: '30' })
    assert.equal(
      (
        await db
          .selectFrom('helpdesk_reports')
          .select('keep_until')
          .where('id', '=', open!)
          .executeTakeFirstOrThrow()
      ).keep_until,
      null,
    )
    await deleteExpiredReports(db)
    assert.ok(await db.selectFrom('helpdesk_reports').select('id').where('id', '=', kept!).executeTakeFirst())
    assert.ok(!(await dueForDeletion(db, coordinator.id)).some((report) => report.id === kept))
    // It goes once that time has passed.
    await deleteExpiredReports(db, new Date(Date.now() + 31 * 86_400_000))
    assert.equal(
      await db.selectFrom('helpdesk_reports').select('id').where('id', '=', kept!).executeTakeFirst(),
      undefined,
    )
    const audited = await db
      .selectFrom('audit_log')
      .select('detail')
      .where('action', '=', 'helpdesk.keep_longer')
      .execute()
    assert.equal(audited.length, 1)
  })

  it('leaves nothing a backup taken before could bring back: its rows restored, no key opens them', async () => {
    const { db } = t.store
    const sent = await sendDetained(agent(t.app, 'en'), {
      who: 'Backed-up Boris',
      details: 'Backed-up story',
    })
    const symbols = (checkReceipt(shownReceipt(sent.body)) as { symbols: string }).symbols
    const report = await db
      .selectFrom('helpdesk_reports')
      .selectAll()
      .where('receipt_lookup', '=', receiptLookup(symbols, receiptLookupKey(t.store.db)))
      .executeTakeFirstOrThrow()
    await addMessage(db, {
      reportId: report.id,
      author: 'desk',
      authorId: lawyer.id,
      text: 'Backed-up reply',
    })
    await closedDaysAgo(report.id, 91)
    const reader = { userId: lawyer.id, keyPair: lawyer.keyPair }
    const meta = (await reportOfMember(db, report.id, lawyer.id))!
    assert.equal((await openReport(db, meta, reader)).content?.form, 'detained', 'readable before')

    // The backup: every row the report has, as a dump of the database holds them.
    const backup = {
      reports: await db.selectFrom('helpdesk_reports').selectAll().where('id', '=', report.id).execute(),
      messages: await db
        .selectFrom('helpdesk_messages')
        .selectAll()
        .where('report_id', '=', report.id)
        .execute(),
    }
    const recordIds = [report.content_id, ...backup.messages.map((row) => row.record_id)]
    const records = await db.selectFrom('sealed_records').selectAll().where('id', 'in', recordIds).execute()
    const wrapped = await db
      .selectFrom('record_keys')
      .selectAll()
      .where('record_id', 'in', recordIds)
      .execute()

    await deleteExpiredReports(db)
    assert.equal(await reportForWriter(db, symbols), null)

    // Restored: the same rows back in the database.
    await db.insertInto('sealed_records').values(records).execute()
    await db.insertInto('record_keys').values(wrapped).execute()
    await db.insertInto('helpdesk_reports').values(backup.reports).execute()
    await db.insertInto('helpdesk_messages').values(backup.messages).execute()

    const restored = (await reportOfMember(db, report.id, lawyer.id))!
    const opened = await openReport(db, restored, reader)
    assert.equal(opened.content, null)
    assert.deepEqual(
      opened.messages.map((message) => message.text),
      [null],
    )
    assert.equal(await reportForWriter(db, symbols), null, 'the receipt opens nothing either')
    // The member's key still opens the sealed record itself, but what is inside is locked for good.
    const sealed = await openRecord(db, { recordId: report.content_id, reader, reason: 'test' })
    assert.ok(!sealed.toString('latin1').includes('Backed-up'))
  })

  it('leaves the keys of stored reports to the sweep of orphans, which takes one whose report went some other way', async () => {
    const { db } = t.store
    const [kept, gone] = await reports(2)
    const keyOf = async (id: string) =>
      (
        await db
          .selectFrom('helpdesk_reports')
          .select('erasure_key')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).erasure_key!
    const [keptKey, goneKey] = [await keyOf(kept!), await keyOf(gone!)]
    // Deleted by hand, not by retention: its key is left behind, locking nothing anyone can find.
    await db.deleteFrom('helpdesk_reports').where('id', '=', gone!).execute()
    const first = Date.now() + 2 * SWEEP_MARGIN_MS
    await sweepErasureKeys(db, [helpdesk.erasureKeys!], first)
    await sweepErasureKeys(db, [helpdesk.erasureKeys!], first + SWEEP_MARGIN_MS)
    assert.ok(await t.store.erasureKeys.read(keptKey), 'a stored report’s key stays')
    assert.equal(await t.store.erasureKeys.read(goneKey), null, 'the orphaned key is destroyed')
    const desk = await signIn(t.app, lawyer)
    assert.equal((await desk.get(`/staff/helpdesk/reports/${kept}`)).statusCode, 200)
  })
})
