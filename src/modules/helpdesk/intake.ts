/**
 * The writer's side: a report comes in and is sealed at once; a receipt brings the writer back to
 * read the desk's replies and answer. Nothing here can read a report again: the server seals to the
 * desk's members and to the writer's receipt, and holds neither key.
 */
import { sql } from 'kysely'
import { audit } from '../../platform/audit.ts'
import { coarseFloor } from '../../platform/coarse-time.ts'
import { boxOpen, boxSeal, keyedHash, randomBytes } from '../../platform/crypto/primitives.ts'
import { prepareRecord, recipientsOf, storeSealed } from '../../platform/crypto/sealed-batch.ts'
import { SealedError, sealRecord } from '../../platform/crypto/sealed-records.ts'
import { storedSecret } from '../../platform/crypto/stored-secret.ts'
import type { Db } from '../../platform/db/database.ts'
import { lock, newReportKey, type ReportKey, reportKey, unlock, unusedReportKey } from './erasure.ts'
import { categoryOf, type ReportContent, urgencyOf } from './forms.ts'
import { checkReceipt, receiptFrom, receiptLookup, writerKeyPair } from './receipts.ts'
import type { MessageAuthor, ReportStatus } from './tables.ts'

/** A fresh one-time token for a form. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url')
}

// Made once and never changed (see stored-secret.ts).
const receiptKey = (db: Db) => storedSecret(db, 'helpdesk_receipt_key')

/**
 * The receipt a form token stands for. Made from the token (which only the writer's page holds) and a
 * server key, so the same form sent twice — a double click, a reload — shows the same receipt again
 * instead of a second report or a receipt lost with the first answer.
 */
async function receiptForToken(db: Db, token: string): Promise<string> {
  return receiptFrom(keyedHash(token, `lifeline helpdesk receipt from token ${await receiptKey(db)}`))
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
  const receipt = await receiptForToken(db, input.token)
  const symbols = (checkReceipt(receipt) as { symbols: string }).symbols
  const writerKey = writerKeyPair(symbols).publicKey
  const receivedAt = coarseFloor(input.now)
  // Locked with the report's erasure key first (erasure.ts), then sealed: the key exists before any
  // of it is stored, and goes back unused unless the report is.
  const erasure = await newReportKey(db)
  let kept = false
  const clear = Buffer.from(JSON.stringify(input.content))
  const locked = lock(erasure.key, clear)
  const photos = (input.photos ?? []).map((photo) => lock(erasure.key, photo))
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
        prepareRecord(recipients, { kind: 'helpdesk.file', content: photo, createdAt: receivedAt }),
      )
      const report = sql`
        INSERT INTO helpdesk_reports (desk_id, receipt_lookup, writer_key, form, category, urgency, region_id,
          received_at, content_id, writer_copy, form_token, erasure_key)
        SELECT guard.id, ${receiptLookup(symbols)}, ${writerKey}, ${input.content.form}, ${categoryOf(input.content)},
          ${urgencyOf(input.content, receivedAt.toISOString().slice(0, 10))}, ${input.regionId}::int,
          ${receivedAt}::timestamptz, ${content.id}::uuid, ${boxSeal(locked, writerKey)}, ${tokenHash(input.token)},
          ${erasure.id}::uuid
        FROM guard
        ON CONFLICT (form_token) DO NOTHING
        RETURNING id`
      const filed = sql`
        INSERT INTO helpdesk_files (report_id, record_id)
        SELECT owner.id, f.id FROM owner, unnest(${files.map((file) => file.id)}::uuid[]) AS f(id)`
      const stored = await storeSealed(db, recipients, [content, ...files], report, filed)
      if (stored === 'stored') {
        kept = true
        return { outcome: 'received', receipt }
      }
      if (stored === 'repeated') return { outcome: 'repeated', receipt }
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

/** One message of a thread as the writer sees it. */
export type WriterMessage = { author: Exclude<MessageAuthor, 'note'>; text: string; sentAt: Date }

/** A report as its writer sees it through the receipt. */
export type WriterView = {
  id: string
  status: ReportStatus
  receivedAt: Date
  content: ReportContent
  messages: WriterMessage[]
}

/**
 * The report a receipt opens, with what the writer sent and the desk's replies, decrypted with the
 * key the receipt stands for; null when no report has this receipt.
 */
export async function reportForWriter(db: Db, symbols: string): Promise<WriterView | null> {
  const report = await db
    .selectFrom('helpdesk_reports')
    .select(['id', 'status', 'received_at', 'writer_copy', 'erasure_key'])
    .where('receipt_lookup', '=', receiptLookup(symbols))
    .executeTakeFirst()
  if (!report) return null
  // A report whose key retention has destroyed is gone, even if its row is still there.
  const key = await reportKey(db, report.erasure_key)
  if (key === 'erased') return null
  const keyPair = writerKeyPair(symbols)
  const open = (copy: Buffer) => unlock(key, boxOpen(copy, keyPair))!.toString('utf8')
  const messages = await db
    .selectFrom('helpdesk_messages')
    .select(['author', 'writer_copy', 'sent_at'])
    .where('report_id', '=', report.id)
    .where('author', '<>', 'note')
    .orderBy('position')
    .execute()
  return {
    id: report.id,
    status: report.status,
    receivedAt: report.received_at,
    content: JSON.parse(open(report.writer_copy)) as ReportContent,
    messages: messages.map((message) => ({
      author: message.author as WriterMessage['author'],
      text: open(message.writer_copy!),
      sentAt: message.sent_at,
    })),
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
  let key = null as ReportKey
  try {
    return await db.transaction().execute(async (trx) => {
      const report = await trx
        .selectFrom('helpdesk_reports')
        .select(['desk_id', 'writer_key', 'status', 'erasure_key'])
        .where('id', '=', message.reportId)
        .forUpdate()
        .executeTakeFirstOrThrow()
      key = await reportKey(db, report.erasure_key)
      if (key === 'erased') throw new Error(`report ${message.reportId} is erased`)
      const locked = lock(key, plain)
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
        content: locked,
        createdAt: sentAt,
      })
      await trx
        .insertInto('helpdesk_messages')
        .values({
          report_id: message.reportId,
          author: message.author,
          author_id: message.authorId,
          position: (last?.position ?? 0) + 1,
          record_id: recordId,
          writer_copy: message.author === 'note' ? null : boxSeal(locked, report.writer_key),
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
    if (Buffer.isBuffer(key)) key.fill(0)
  }
}
