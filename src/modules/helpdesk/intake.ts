/**
 * The writer's side: a report comes in and is sealed at once; a receipt brings the writer back to
 * read the desk's replies and answer. Nothing here can read a report again: the server seals to the
 * desk's members and to the writer's receipt, and holds neither key.
 */
import { sql } from 'kysely'
import { boxOpen, boxSeal, keyedHash, randomBytes } from '../../platform/crypto/primitives.ts'
import { SealedError, sealRecord } from '../../platform/crypto/sealed-records.ts'
import type { Db } from '../../platform/db/database.ts'
import { categoryOf, type ReportContent, urgencyOf } from './forms.ts'
import { checkReceipt, receiptFrom, receiptLookup, writerKeyPair } from './receipts.ts'
import type { MessageAuthor, ReportStatus } from './tables.ts'

/** Times a writer leaves are kept to 10 minutes: an exact one could be matched to a network log. */
export function roundedNow(now = new Date()): Date {
  return new Date(Math.floor(now.getTime() / 600_000) * 600_000)
}

/** A fresh one-time token for a form. */
export function newFormToken(): string {
  return randomBytes(16).toString('base64url')
}

const settingKey = 'helpdesk_receipt_key'
// Made once and never changed, so each process reads it once.
const receiptKeys = new WeakMap<Db, Promise<string>>()

function receiptKey(db: Db): Promise<string> {
  let key = receiptKeys.get(db)
  if (!key) {
    key = (async () => {
      await db
        .insertInto('settings')
        .values({ key: settingKey, value: randomBytes(32).toString('base64') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', settingKey)
        .executeTakeFirstOrThrow()
      return row.value
    })()
    // A failed read is not kept: the next report tries again.
    key.catch(() => receiptKeys.delete(db))
    receiptKeys.set(db, key)
  }
  return key
}

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

/** What became of a submitted form. */
export type Submission =
  | { outcome: 'received'; receipt: string }
  | { outcome: 'repeated'; receipt: string }
  | { outcome: 'no-desk' }

/**
 * Seals a report to its desk's members and to the writer's receipt, and keeps in clear only its form,
 * category, urgency, region and the time rounded to 10 minutes. The receipt is returned only once the
 * report is committed.
 */
export async function submitReport(
  db: Db,
  input: { content: ReportContent; regionId: number | null; token: string; photos?: Buffer[]; now?: Date },
): Promise<Submission> {
  const receipt = await receiptForToken(db, input.token)
  const symbols = (checkReceipt(receipt) as { symbols: string }).symbols
  const formToken = tokenHash(input.token)
  const receivedAt = roundedNow(input.now)
  const plain = Buffer.from(JSON.stringify(input.content))
  try {
    return await db.transaction().execute(async (trx): Promise<Submission> => {
      const deskId = await deskFor(trx, input.regionId)
      if (!deskId) return { outcome: 'no-desk' }
      const contentId = await sealRecord(trx, {
        deskId,
        kind: 'helpdesk.report',
        content: plain,
        createdAt: receivedAt,
      })
      const inserted = await trx
        .insertInto('helpdesk_reports')
        .values({
          desk_id: deskId,
          receipt_lookup: receiptLookup(symbols),
          writer_key: writerKeyPair(symbols).publicKey,
          form: input.content.form,
          category: categoryOf(input.content),
          urgency: urgencyOf(input.content, receivedAt.toISOString().slice(0, 10)),
          region_id: input.regionId,
          received_at: receivedAt,
          content_id: contentId,
          writer_copy: boxSeal(plain, writerKeyPair(symbols).publicKey),
          form_token: formToken,
        })
        .onConflict((oc) => oc.column('form_token').doNothing())
        .returning('id')
        .executeTakeFirst()
      // The same form again: everything written above goes with the rollback.
      if (!inserted) throw new RepeatedForm()
      for (const photo of input.photos ?? []) {
        const recordId = await sealRecord(trx, {
          deskId,
          kind: 'helpdesk.file',
          content: photo,
          createdAt: receivedAt,
        })
        await trx
          .insertInto('helpdesk_files')
          .values({ report_id: inserted.id, record_id: recordId })
          .execute()
      }
      return { outcome: 'received', receipt }
    })
  } catch (error) {
    if (error instanceof RepeatedForm) return { outcome: 'repeated', receipt }
    if (error instanceof SealedError && error.code === 'ERR_DESK_HAS_NO_MEMBERS')
      return { outcome: 'no-desk' }
    throw error
  } finally {
    plain.fill(0)
  }
}

class RepeatedForm extends Error {}

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
    .select(['id', 'status', 'received_at', 'writer_copy'])
    .where('receipt_lookup', '=', receiptLookup(symbols))
    .executeTakeFirst()
  if (!report) return null
  const keyPair = writerKeyPair(symbols)
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
    content: JSON.parse(boxOpen(report.writer_copy, keyPair).toString('utf8')) as ReportContent,
    messages: messages.map((message) => ({
      author: message.author as WriterMessage['author'],
      text: boxOpen(message.writer_copy!, keyPair).toString('utf8'),
      sentAt: message.sent_at,
    })),
  }
}

/**
 * Adds a sealed message to a report's thread and returns its position. Writers' messages reopen a
 * closed report and mark it as waiting for the desk; the desk's replies clear that mark.
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
  try {
    return await db.transaction().execute(async (trx) => {
      const report = await trx
        .selectFrom('helpdesk_reports')
        .select(['desk_id', 'writer_key', 'status'])
        .where('id', '=', message.reportId)
        .forUpdate()
        .executeTakeFirstOrThrow()
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
      const sentAt = fromWriter ? roundedNow(message.now) : (message.now ?? new Date())
      const recordId = await sealRecord(trx, {
        deskId: report.desk_id,
        kind: `helpdesk.${message.author}`,
        content: plain,
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
          writer_copy: message.author === 'note' ? null : boxSeal(plain, report.writer_key),
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
      } else if (message.author === 'desk') {
        await trx
          .updateTable('helpdesk_reports')
          .set({ writer_waiting: false })
          .where('id', '=', message.reportId)
          .execute()
      }
      return 'added'
    })
  } finally {
    plain.fill(0)
  }
}
