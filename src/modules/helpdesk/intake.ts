/**
 * The writer's side: a report comes in and is sealed at once; a receipt brings the writer back to
 * read the desk's replies and answer. Nothing here can read a report again: the server seals to the
 * desk's members and to the writer's receipt, and holds neither key.
 */
import { randomUUID, timingSafeEqual } from 'node:crypto'
import { sql } from 'kysely'
import { audit } from '../../platform/audit.ts'
import { coarseFloor } from '../../platform/coarse-time.ts'
import { boxSeal, keyedHash, mac, randomBytes } from '../../platform/crypto/primitives.ts'
import { prepareRecord, recipientsOf, storeSealed } from '../../platform/crypto/sealed-batch.ts'
import { SealedError, sealRecord } from '../../platform/crypto/sealed-records.ts'
import { serverKeyOf } from '../../platform/crypto/server-key.ts'
import type { Db } from '../../platform/db/database.ts'
import {
  LOCK_VERSION,
  lock,
  lockPart,
  newReportKey,
  type ReportLock,
  reportLock,
  unusedReportKey,
} from './erasure.ts'
import { categoryOf, type ReportContent, urgencyOf } from './forms.ts'
import { checkReceipt, receiptFrom, receiptLookup, writerKeyPair } from './receipts.ts'
import type { MessageAuthor } from './tables.ts'

/** A fresh one-time token for a form. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url')
}

/** The key receipts' lookup hashes are made with (from the server key, outside the database). */
export function receiptLookupKey(db: Db): Buffer {
  return serverKeyOf(db).derive('helpdesk receipt lookup')
}

/**
 * The receipt a form token stands for. Made from the token (which only the writer's page holds) and a
 * key from the server key, so the same form sent twice — a double click, a reload — shows the same
 * receipt again instead of a second report or a receipt lost with the first answer.
 */
function receiptForToken(db: Db, token: string): string {
  return receiptFrom(mac(token, serverKeyOf(db).derive('helpdesk receipt from form token')))
}

/**
 * How long after its window's start a report's form, sent again unchanged, still shows the receipt:
 * received_at is the start of the ten-minute window, so 10 to 20 minutes after the first post.
 */
export const REPEAT_MS = 20 * 60_000

// What the form said, as a hash keyed by the form's token: checks that a repeat is the same form
// without keeping anything that a copy of the database (or the server key with it) could test a
// guessed content against: the token is on the writer's page only.
function repeatCheckOf(db: Db, token: string, clear: Buffer): Buffer {
  return mac(clear, mac(token, serverKeyOf(db).derive('helpdesk repeat check')))
}

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
    .where('form_token', '=', tokenHash(token))
    .executeTakeFirst()
  const same =
    first?.repeat_check?.length === check.length &&
    timingSafeEqual(first.repeat_check, check) &&
    now.getTime() - first.received_at.getTime() < REPEAT_MS
  return same ? { outcome: 'repeated', receipt } : { outcome: 'already-sent' }
}

function tokenHash(token: string): Buffer {
  return keyedHash(token, 'lifeline helpdesk form token')
}

/** The desk a report from `regionId` goes to: the one that covers the region, else the one taking the rest. */
export async function deskFor(db: Db, regionId: number | null): Promise<string | null> {
  const row = await db
    .selectFrom('helpdesk_desks')
    .select('desk_id')
    .where((eb) =>
      regionId === null
        ? eb('takes_rest', '=', true)
        : eb.or([eb('takes_rest', '=', true), eb(sql<number>`${regionId}`, '=', eb.fn.any('region_ids'))]),
    )
    // A desk for the region comes before the one taking the rest.
    .orderBy('takes_rest')
    .limit(1)
    .executeTakeFirst()
  return row?.desk_id ?? null
}

// Where reports go changes when a coordinator edits a desk: read again every few seconds, not per report.
const ROUTES_MS = 5_000
const routes = new WeakMap<
  Db,
  Promise<{ at: number; desks: { id: string; takesRest: boolean; regionIds: number[] }[] }>
>()

async function routedDesk(db: Db, regionId: number | null, fresh: boolean): Promise<string | null> {
  let current = routes.get(db)
  const read = await current?.catch(() => null)
  if (fresh || !read || Date.now() - read.at > ROUTES_MS) {
    current = db
      .selectFrom('helpdesk_desks')
      .select(['desk_id', 'takes_rest', 'region_ids'])
      .execute()
      .then((rows) => ({
        at: Date.now(),
        desks: rows.map((row) => ({ id: row.desk_id, takesRest: row.takes_rest, regionIds: row.region_ids })),
      }))
    routes.set(db, current)
  }
  const { desks } = await current!
  const covering = regionId === null ? undefined : desks.find((desk) => desk.regionIds.includes(regionId))
  return (covering ?? desks.find((desk) => desk.takesRest))?.id ?? null
}

/** What became of a submitted form. */
export type Submission =
  | { outcome: 'received'; receipt: string }
  | { outcome: 'repeated'; receipt: string }
  | { outcome: 'already-sent' }
  | { outcome: 'no-desk' }

/**
 * Seals a report (and its photos) to its desk's members and to the writer's receipt, and keeps in
 * clear only its form, category, urgency, region and the time rounded to 10 minutes. One statement
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
  // Locked with the report's erasure key first (erasure.ts), then sealed: the key exists before any
  // of it is stored, and goes back unused unless the report is. Each part's lock names the report and
  // the part, so the ids are chosen here (random, like the database's own).
  const reportId = randomUUID()
  const erasure = await newReportKey(db)
  const reportLock = { reportId, key: erasure.key }
  let kept = false
  const clear = Buffer.from(JSON.stringify(input.content))
  const repeatCheck = repeatCheckOf(db, input.token, clear)
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
        INSERT INTO helpdesk_reports (id, desk_id, receipt_lookup, writer_key, form, category, urgency, region_id,
          received_at, content_id, writer_copy, form_token, erasure_key, lock_version, repeat_check)
        SELECT ${reportId}::uuid, guard.id, ${receiptLookup(symbols, receiptLookupKey(db))}, ${writerKey}, ${input.content.form},
          ${categoryOf(input.content)}, ${urgencyOf(input.content, receivedAt.toISOString().slice(0, 10))},
          ${input.regionId}::int, ${receivedAt}::timestamptz, ${content.id}::uuid, ${writerCopy},
          ${tokenHash(input.token)}, ${erasure.id}::uuid, ${LOCK_VERSION}::smallint, ${repeatCheck}
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

/**
 * Adds a sealed message to a report's thread (a reply to the writer is sealed to their receipt too,
 * a note to the desk only). Writers' messages reopen a closed report and mark it as waiting for the
 * desk; the desk's replies clear that mark, and its first reply to a new report takes it: in
 * progress, and the replier's if it was nobody's. Desk replies and notes are audited.
 */
export async function addMessage(
  db: Db,
  message: {
    reportId: string
    author: MessageAuthor
    authorId: string | null
    text: string
    token?: string
    now?: Date
  },
): Promise<'added' | 'repeated'> {
  const plain = Buffer.from(message.text)
  let locking: ReportLock | null = null
  try {
    return await db.transaction().execute(async (trx) => {
      const report = await trx
        .selectFrom('helpdesk_reports')
        .select(['id', 'desk_id', 'writer_key', 'status', 'erasure_key', 'lock_version'])
        .where('id', '=', message.reportId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      locking = await reportLock(db, report)
      const messageId = randomUUID()
      const locked = lockPart(locking, `message ${messageId}`, plain)
      const formToken = message.token ? tokenHash(message.token) : null
      if (formToken) {
        const seen = await trx
          .selectFrom('helpdesk_messages')
          .select('id')
          .where('form_token', '=', formToken)
          .executeTakeFirst()
        if (seen) return 'repeated'
      }
      const last = await trx
        .selectFrom('helpdesk_messages')
        .select((eb) => eb.fn.max('position').as('position'))
        .where('report_id', '=', message.reportId)
        .executeTakeFirst()
      const fromWriter = message.author === 'writer'
      const sentAt = fromWriter ? coarseFloor(message.now) : (message.now ?? new Date())
      const recordId = await sealRecord(trx, {
        deskId: report.desk_id,
        kind: `helpdesk.${message.author}`,
        content: locked.desk,
        createdAt: sentAt,
      })
      await trx
        .insertInto('helpdesk_messages')
        .values({
          id: messageId,
          report_id: message.reportId,
          author: message.author,
          author_id: message.authorId,
          position: (last?.position ?? 0) + 1,
          record_id: recordId,
          writer_copy: message.author === 'note' ? null : boxSeal(locked.writer, report.writer_key),
          sent_at: sentAt,
          form_token: formToken,
        })
        .execute()
      if (fromWriter) {
        await trx
          .updateTable('helpdesk_reports')
          .set(
            report.status === 'closed'
              ? { writer_waiting: true, status: 'in_progress', closed_at: null, outcome: null }
              : { writer_waiting: true },
          )
          .where('id', '=', message.reportId)
          .execute()
      } else {
        // The desk's first reply to a new report takes it on: in progress, and the replier's if no
        // one has it. (Both CASEs read the row as it was.)
        if (message.author === 'desk')
          await trx
            .updateTable('helpdesk_reports')
            .set({
              writer_waiting: false,
              status: sql`CASE WHEN status = 'new' THEN 'in_progress' ELSE status END`,
              assignee_id: sql`CASE WHEN status = 'new' THEN coalesce(assignee_id, ${message.authorId}::uuid) ELSE assignee_id END`,
            })
            .where('id', '=', message.reportId)
            .execute()
        await audit(trx, {
          actorId: message.authorId,
          action: `helpdesk.${message.author === 'desk' ? 'reply' : 'note'}`,
          target: message.reportId,
        })
      }
      return 'added'
    })
  } finally {
    plain.fill(0)
    const key = (locking as ReportLock | null)?.key
    if (Buffer.isBuffer(key)) key.fill(0)
  }
}
