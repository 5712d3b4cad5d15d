/**
 * A report comes in and is sealed at once. Nothing here can read it again: the server seals it to the
 * desk's members and to the writer's receipt, and holds neither key.
 */
import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { coarseFloor } from '../../../platform/coarse-time.ts'
import { boxSeal } from '../../../platform/crypto/primitives.ts'
import { prepareRecord, recipientsOf, storeSealed } from '../../../platform/crypto/sealed-batch.ts'
import { SealedError } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import { isRepeat, repeatCheck as repeatCheckOf } from '../../../platform/intake/double-submit.ts'
import { checkReceipt } from '../../../platform/intake/receipts.ts'
import { routedDesk } from '../queries/routing.ts'
import {
  formTokenOf,
  receiptForToken,
  receiptLookup,
  receiptLookupKey,
  repeatCheckKey,
  writerKeyPair,
} from '../receipt-keys.ts'
import { LOCK_VERSION, lock, newReportKey, unusedReportKey } from '../report-lock.ts'
import { categoryOf, flagsOf, type ReportContent, urgencyOf } from '../triage.ts'

/**
 * How long after its window's start a report's form, sent again unchanged, still shows the receipt:
 * received_at is the start of the ten-minute window, so 10 to 20 minutes after the first post.
 */
export const REPEAT_MS = 20 * 60_000

/** What a form sent again gets: its receipt, shown again, only shortly after and unchanged. */
async function repeatOf(
  db: Db,
  token: string,
  check: Buffer,
  receipt: string,
  now = new Date(),
): Promise<Submission> {
  const first = await db
    .selectFrom('helpdesk_reports')
    .select(['received_at', 'repeat_check'])
    .where('form_token', '=', formTokenOf(token))
    .executeTakeFirst()
  const sent = first && { check: first.repeat_check, receivedAt: first.received_at }
  return isRepeat(sent, check, REPEAT_MS, now)
    ? { outcome: 'repeated', receipt }
    : { outcome: 'already-sent' }
}

/** What became of a submitted form. */
export type Submission =
  | { outcome: 'received'; receipt: string }
  | { outcome: 'repeated'; receipt: string }
  | { outcome: 'already-sent' }
  | { outcome: 'no-desk' }

/**
 * Seals a report (and its photos) to its desk's members and to the writer's receipt, and keeps in
 * clear only its form, category, urgency (with the flags that raised it), region and the time rounded
 * to 10 minutes. One statement
 * stores it all (sealed-batch.ts); the receipt is returned only once it is committed.
 */
export async function submitReport(
  db: Db,
  input: { content: ReportContent; regionId: number | null; token: string; photos?: Buffer[]; now?: Date },
): Promise<Submission> {
  const receipt = receiptForToken(db, input.token)
  const symbols = (checkReceipt(receipt) as { symbols: string }).symbols
  const writerKey = writerKeyPair(symbols).publicKey
  const receivedAt = coarseFloor(input.now)
  // Locked with the report's erasure key first (report-lock.ts), then sealed: the key exists before any
  // of it is stored, and goes back unused unless the report is. Each part's lock names the report and
  // the part, so the ids are chosen here (random, like the database's own).
  const reportId = randomUUID()
  const erasure = await newReportKey(db)
  const reportLock = { reportId, key: erasure.key }
  let kept = false
  const clear = Buffer.from(JSON.stringify(input.content))
  const repeatCheck = repeatCheckOf(repeatCheckKey(db), input.token, clear)
  const locked = lock(reportLock, 'content', 'desk', clear)
  const writerCopy = boxSeal(lock(reportLock, 'content', 'writer', clear), writerKey)
  const photos = (input.photos ?? []).map((photo) => {
    const fileId = randomUUID()
    return { fileId, locked: lock(reportLock, `photo ${fileId}`, 'desk', photo) }
  })
  try {
    // A second try reads the routes and recipients afresh: a desk may have changed in between.
    for (let attempt = 0; attempt < 3; attempt++) {
      const fresh = attempt > 0
      const deskId = await routedDesk(db, input.regionId, fresh)
      // No desk as last read: read again before turning the writer away.
      if (!deskId && !fresh) continue
      if (!deskId) return { outcome: 'no-desk' }
      const recipients = await recipientsOf(db, deskId, fresh)
      const content = prepareRecord(recipients, {
        kind: 'helpdesk.report',
        content: locked,
        createdAt: receivedAt,
      })
      const files = photos.map((photo) =>
        prepareRecord(recipients, { kind: 'helpdesk.file', content: photo.locked, createdAt: receivedAt }),
      )
      const report = sql`
        INSERT INTO helpdesk_reports (id, desk_id, receipt_lookup, writer_key, form, category, urgency, flags,
          region_id, received_at, content_id, writer_copy, form_token, erasure_key, lock_version, repeat_check)
        SELECT ${reportId}::uuid, guard.id, ${receiptLookup(symbols, receiptLookupKey(db))}, ${writerKey}, ${input.content.form},
          ${categoryOf(input.content)}, ${urgencyOf(input.content, receivedAt.toISOString().slice(0, 10))},
          ${flagsOf(input.content)}::text[], ${input.regionId}::int, ${receivedAt}::timestamptz, ${content.id}::uuid, ${writerCopy},
          ${formTokenOf(input.token)}, ${erasure.id}::uuid, ${LOCK_VERSION}::smallint, ${repeatCheck}
        FROM guard
        ON CONFLICT (form_token) DO NOTHING
        RETURNING id`
      const filed = sql`
        INSERT INTO helpdesk_files (id, report_id, record_id)
        SELECT f.id, owner.id, f.record_id FROM owner,
          unnest(${photos.map((photo) => photo.fileId)}::uuid[], ${files.map((file) => file.id)}::uuid[])
          AS f(id, record_id)`
      const stored = await storeSealed(db, recipients, [content, ...files], report, filed)
      if (stored === 'stored') {
        kept = true
        return { outcome: 'received', receipt }
      }
      if (stored === 'repeated') return repeatOf(db, input.token, repeatCheck, receipt, input.now)
    }
    throw new Error('the desk kept changing while a report was stored')
  } catch (error) {
    if (
      error instanceof SealedError &&
      ['ERR_DESK_HAS_NO_MEMBERS', 'ERR_DESK_NOT_FOUND'].includes(error.code)
    )
      return { outcome: 'no-desk' }
    throw error
  } finally {
    clear.fill(0)
    erasure.key.fill(0)
    if (!kept) await unusedReportKey(db, erasure.id)
  }
}
