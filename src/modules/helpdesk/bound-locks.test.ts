/**
 * A report's parts are locked bound to the report and to what they are (report-lock.ts): moved between
 * reports, or opened with another report's key, they are refused with a clear answer, never shown as
 * the other report's and never a server error. Their sizes are padded; a form sent again shows its
 * receipt only shortly after and unchanged.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { newFormToken } from '../../platform/intake/form-tokens.ts'
import { checkReceipt } from '../../platform/intake/receipts.ts'
import { REPEAT_MS, submitReport } from './commands/submit-report.ts'
import { receiptLookup, receiptLookupKey } from './receipt-keys.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, sendDetained, shownReceipt } from './testing/forms.ts'
import type { ReportContent } from './triage.ts'

let t: TestApp
let lawyer: TestStaff
let desk: Agent

before(async () => {
  ;({
    t,
    members: [lawyer],
  } = await appWithDesk(['lawyer']))
})
after(() => t.close())

/** Sends a report; returns its row and receipt. */
async function sent(who: string, details: string) {
  const response = await sendDetained(agent(t.app, 'en'), { who, details })
  assert.equal(response.statusCode, 201)
  const receipt = shownReceipt(response.body)
  const { symbols } = checkReceipt(receipt) as { symbols: string }
  const row = await t.store.db
    .selectFrom('helpdesk_reports')
    .selectAll()
    .where('receipt_lookup', '=', receiptLookup(symbols, receiptLookupKey(t.store.db)))
    .executeTakeFirstOrThrow()
  return { row, receipt }
}

type Column = 'erasure_key' | 'content_id' | 'writer_copy'

/** Swaps `columns` between two reports, runs `check`, and swaps them back. */
async function swapped(a: string, b: string, columns: Column[], check: () => Promise<void>) {
  const swap = async () => {
    const rows = await t.store.db
      .selectFrom('helpdesk_reports')
      .selectAll()
      .where('id', 'in', [a, b])
      .execute()
    const [first, second] = [rows.find((row) => row.id === a)!, rows.find((row) => row.id === b)!]
    const values = (row: typeof first) => Object.fromEntries(columns.map((column) => [column, row[column]]))
    await t.store.db.updateTable('helpdesk_reports').set(values(second)).where('id', '=', a).execute()
    await t.store.db.updateTable('helpdesk_reports').set(values(first)).where('id', '=', b).execute()
  }
  await swap()
  try {
    await check()
  } finally {
    await swap()
  }
}

describe('locks bound to their report', () => {
  it('refuse a report given another report’s erasure key, for the desk and for the writer', async () => {
    const a = await sent('Anna', 'Anna’s story')
    const b = await sent('Boris', 'Boris’s story')
    desk = await signIn(t.app, lawyer)
    await swapped(a.row.id, b.row.id, ['erasure_key'], async () => {
      const page = await desk.get(`/staff/helpdesk/reports/${a.row.id}`)
      assert.equal(page.statusCode, 409)
      assert.match(page.body, /changed or swapped in the database/)
      assert.doesNotMatch(page.body, /Anna’s story|Boris’s story/)
      const writer = await agent(t.app, 'ru').post('/help/report', { receipt: a.receipt })
      assert.equal(writer.statusCode, 409)
      assert.match(writer.body, /изменены или подменены/)
      assert.doesNotMatch(writer.body, /Anna|Boris/)
    })
    const restored = await desk.get(`/staff/helpdesk/reports/${a.row.id}`)
    assert.equal(restored.statusCode, 200)
    assert.match(restored.body, /Anna’s story/)
  })

  it('refuse locked content moved to another report, even with its key moved along', async () => {
    const a = await sent('Vera', 'Vera’s story')
    const b = await sent('Gleb', 'Gleb’s story')
    for (const columns of [['content_id'], ['content_id', 'erasure_key']] as Column[][]) {
      await swapped(a.row.id, b.row.id, columns, async () => {
        const page = await desk.get(`/staff/helpdesk/reports/${a.row.id}`)
        assert.equal(page.statusCode, 409, columns.join(' and '))
        assert.doesNotMatch(page.body, /Gleb’s story|Vera’s story/)
      })
    }
    await swapped(a.row.id, b.row.id, ['writer_copy', 'erasure_key'], async () => {
      const writer = await agent(t.app, 'en').post('/help/report', { receipt: a.receipt })
      assert.equal(writer.statusCode, 409)
      assert.doesNotMatch(writer.body, /Gleb’s story|Vera’s story/)
    })
  })

  it('pad what was written, so a short and a long report lock to the same size', async () => {
    const short = await sent('Short', 'x')
    // Both within one block: the detained form's empty answers alone take some 210 bytes of it.
    const long = await sent('Long', 'y'.repeat(30))
    const sizes = await t.store.db
      .selectFrom('sealed_records')
      .select(['id', 'ciphertext'])
      .where('id', 'in', [short.row.content_id, long.row.content_id])
      .execute()
    assert.equal(sizes[0]!.ciphertext.length, sizes[1]!.ciphertext.length)
    assert.equal(short.row.writer_copy.length, long.row.writer_copy.length)
  })
})

describe('a form sent again', () => {
  const content = { form: 'legal', locale: 'en', category: 'search', details: 'Searched at home', photos: 0 }
  const submit = (token: string, now: Date, details = content.details) =>
    submitReport(t.store.db, {
      content: { ...content, details } as ReportContent,
      regionId: null,
      token,
      now,
    })

  it('shows its receipt again shortly after, unchanged, and not later or changed', async () => {
    const token = newFormToken()
    const now = new Date()
    const first = await submit(token, now)
    assert.equal(first.outcome, 'received')
    const again = await submit(token, new Date(now.getTime() + 60_000))
    assert.deepEqual(again, { outcome: 'repeated', receipt: (first as { receipt: string }).receipt })
    assert.deepEqual(await submit(token, new Date(now.getTime() + 60_000), 'Something else'), {
      outcome: 'already-sent',
    })
    assert.deepEqual(await submit(token, new Date(now.getTime() + REPEAT_MS)), { outcome: 'already-sent' })
  })

  it('answers a changed repeat with a translated page that shows no receipt', async () => {
    const writer = agent(t.app, 'uk')
    const form = await writer.get('/help/detained')
    const token = formToken(form.body)
    const first = await writer.post('/help/detained', { token, who: 'Олена', details: 'Перше' })
    assert.equal(first.statusCode, 201)
    const same = await writer.post('/help/detained', { token, who: 'Олена', details: 'Перше' })
    assert.equal(same.statusCode, 200)
    assert.equal(shownReceipt(same.body), shownReceipt(first.body))
    const changed = await writer.post('/help/detained', { token, who: 'Олена', details: 'Друге' })
    assert.equal(changed.statusCode, 409)
    assert.match(changed.body, /Цю форму вже надіслано/)
    assert.doesNotMatch(changed.body, /class="receipt"/)
  })
})
