/**
 * The writer's view of a report: what the receipt opens, found by the receipt's hash and decrypted with
 * the key pair the receipt stands for. The server holds neither the receipt nor that key.
 */
import { boxOpen, CryptoError, type KeyPair } from '../../../platform/crypto/primitives.ts'
import type { Db } from '../../../platform/db/database.ts'
import { legacyReceiptLookup, receiptLookup, receiptLookupKey, writerKeyPair } from '../receipt-keys.ts'
import {
  contentOf,
  isReportMismatch,
  type Part,
  type ReportLock,
  reportLock,
  reportMismatch,
  unlock,
} from '../report-lock.ts'
import type { MessageAuthor, ReportStatus } from '../tables.ts'
import type { ReportContent } from '../triage.ts'

/** One message of a thread as the writer sees it. */
export type WriterMessage = { author: Exclude<MessageAuthor, 'note'>; text: string; sentAt: Date }

/** A report as its writer sees it through the receipt. */
export type WriterView = {
  id: string
  status: ReportStatus
  receivedAt: Date
  content: ReportContent
  messages: WriterMessage[]
  /** Whether the writer withdrew their consent to publish. */
  consentWithdrawn: boolean
}

/**
 * The report a receipt opens, with what the writer sent and the desk's replies, decrypted with the
 * key the receipt stands for; null when no report has this receipt.
 */
export async function reportForWriter(db: Db, symbols: string): Promise<WriterView | null> {
  // A member may relock the report (commands/relock-report.ts) between the reads below: its old key then is gone, or
  // its parts are in the new format while the row was read in the old. Read it again, once.
  let read: WriterView | null | 'erased'
  try {
    read = await readForWriter(db, symbols)
  } catch (error) {
    if (!isReportMismatch(error)) throw error
    read = 'erased'
  }
  if (read === 'erased') read = await readForWriter(db, symbols)
  return read === 'erased' ? null : read
}

async function readForWriter(db: Db, symbols: string): Promise<WriterView | null | 'erased'> {
  // Found by its server-keyed hash, or, stored before those, by the old one.
  const report = await db
    .selectFrom('helpdesk_reports')
    .select([
      'id',
      'status',
      'received_at',
      'writer_copy',
      'erasure_key',
      'lock_version',
      'consent_withdrawn',
    ])
    .where('receipt_lookup', 'in', [
      receiptLookup(symbols, receiptLookupKey(db)),
      legacyReceiptLookup(symbols),
    ])
    .executeTakeFirst()
  if (!report) return null
  // A report whose key retention has destroyed is gone, even if its row is still there.
  const locked = await reportLock(db, report)
  if (locked.key === 'erased') return 'erased'
  const keyPair = writerKeyPair(symbols)
  const open = (copy: Buffer, part: Part) =>
    unlock(locked, part, 'writer', writerCopyOf(locked, copy, keyPair))!
  const messages = await db
    .selectFrom('helpdesk_messages')
    .select(['id', 'author', 'writer_copy', 'sent_at'])
    .where('report_id', '=', report.id)
    .where('author', '<>', 'note')
    .orderBy('position')
    .execute()
  return {
    id: report.id,
    status: report.status,
    receivedAt: report.received_at,
    content: contentOf(locked, open(report.writer_copy, 'content')),
    messages: messages.map((message) => ({
      author: message.author as WriterMessage['author'],
      text: open(message.writer_copy!, `message ${message.id}`).toString('utf8'),
      sentAt: message.sent_at,
    })),
    consentWithdrawn: report.consent_withdrawn,
  }
}

// A writer's copy, opened with the receipt's key pair: one sealed to another receipt's key was moved
// here from another report.
function writerCopyOf(locked: ReportLock, copy: Buffer, keyPair: KeyPair): Buffer {
  try {
    return boxOpen(copy, keyPair)
  } catch (error) {
    if (error instanceof CryptoError) throw reportMismatch(locked.reportId)
    throw error
  }
}
