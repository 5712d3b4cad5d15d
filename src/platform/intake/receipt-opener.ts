/**
 * Opening a sealed item with its receipt, for every intake that hands receipts out: the typed receipt
 * is checked (receipts.ts), the address's misses are counted (receipt-misses.ts) and audited as a count
 * per ten minutes (a row each would date each one), so guessing is slow and seen. What the item is and
 * how it is found and decrypted is the intake's `find`.
 */
import { type WindowedAudit, windowedAudit } from '../audit.ts'
import type { Db } from '../db/database.ts'
import { receiptMisses } from './receipt-misses.ts'
import { checkReceipt, formatReceipt } from './receipts.ts'

/** Why a receipt opened nothing: not a receipt (as checkReceipt says), too many misses, or no item. */
export type ReceiptRefusal = 'length' | 'symbols' | 'typo' | 'throttled' | 'unknown'

/** What a typed receipt opened: the item, the receipt as shown and its symbols; or why not, with the HTTP status. */
export type ReceiptOpening<T> =
  | { ok: true; item: T; receipt: string; symbols: string }
  | { ok: false; reason: ReceiptRefusal; status: 400 | 404 | 429; typed: string }

/** An intake's receipt opener: `open` a typed receipt from an address; `flush` the audited count (on close). */
export type ReceiptOpener<T> = {
  open(address: string, typed: unknown): Promise<ReceiptOpening<T>>
  flush: WindowedAudit['flush']
}

/**
 * Opens items with `find(symbols)` (null when no item has the receipt). Misses are audited under
 * `missesAction` ('helpdesk.receipt_misses', …). At most 100 characters of what was typed are read.
 */
export function receiptOpener<T>(
  db: Db,
  options: { missesAction: string; find: (symbols: string) => Promise<T | null> },
): ReceiptOpener<T> {
  const audited = windowedAudit(db, options.missesAction)
  return {
    async open(address, sent) {
      const typed = typeof sent === 'string' ? sent.slice(0, 100) : ''
      const checked = checkReceipt(typed)
      if (!checked.ok) return { ok: false, reason: checked.reason, status: 400, typed }
      const misses = receiptMisses(db, address)
      if (await misses.overLimit()) return { ok: false, reason: 'throttled', status: 429, typed }
      const item = await options.find(checked.symbols)
      if (!item) {
        await misses.count()
        audited.count()
        return { ok: false, reason: 'unknown', status: 404, typed }
      }
      return { ok: true, item, receipt: formatReceipt(checked.symbols), symbols: checked.symbols }
    },
    flush: () => audited.flush(),
  }
}
