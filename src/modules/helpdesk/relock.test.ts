/**
 * Reports stored in an older lock format still open, for the desk and for the writer; the first
 * member who can open all of one brings it to the current format with an erasure key of its own.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import { coarseFloor } from '../../platform/coarse-time.ts'
import { claimErasureKey } from '../../platform/crypto/erasure-key-pool.ts'
import { boxSeal, secretSeal } from '../../platform/crypto/primitives.ts'
import { addDeskMember, sealRecord } from '../../platform/crypto/sealed-records.ts'
import { checkReceipt, newReceipt } from '../../platform/intake/receipts.ts'
import { addMessage } from './commands/add-message.ts'
import { openReport, reportOfMember } from './queries/reports.ts'
import { legacyReceiptLookup, writerKeyPair } from './receipt-keys.ts'
import { appWithDesk } from './testing/desk-setup.ts'

let t: TestApp
let lawyer: TestStaff
let admin: TestStaff
let deskId: string

before(async () => {
  ;({
    t,
    admin,
    members: [lawyer],
    deskId,
  } = await appWithDesk(['lawyer']))
})
after(() => t.close())

/** A report as the help desk stored it before bound locks: with an erasure key or (before those) none. */
async function storedBefore(details: string, keyed: boolean) {
  const receipt = newReceipt()
  const { symbols } = checkReceipt(receipt) as { symbols: string }
  const key = keyed ? await claimErasureKey(t.store.db) : null
  const plain = Buffer.from(
    JSON.stringify({ form: 'legal', locale: 'en', category: 'search', details, photos: 0 }),
  )
  const locked = key ? secretSeal(plain, key.key) : plain
  const receivedAt = coarseFloor()
  const contentId = await sealRecord(t.store.db, {
    deskId,
    kind: 'helpdesk.report',
    content: locked,
    createdAt: receivedAt,
  })
  const writerKey = writerKeyPair(symbols).publicKey
  const row = await t.store.db
    .insertInto('helpdesk_reports')
    .values({
      desk_id: deskId,
      receipt_lookup: legacyReceiptLookup(symbols),
      writer_key: writerKey,
      form: 'legal',
      category: 'search',
      urgency: 'high',
      region_id: null,
      received_at: receivedAt,
      content_id: contentId,
      writer_copy: boxSeal(locked, writerKey),
      erasure_key: key?.id ?? null,
      lock_version: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // A reply added since is locked in the report's own format.
  await addMessage(t.store.db, {
    reportId: row.id,
    author: 'desk',
    authorId: lawyer.id,
    text: `Reply to ${details}`,
  })
  return { id: row.id, receipt, oldKey: key?.id ?? null }
}

const row = (id: string) =>
  t.store.db.selectFrom('helpdesk_reports').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

describe('reports in an older lock format', () => {
  for (const keyed of [false, true]) {
    it(`open as before and get a key of their own when a member opens them (${keyed ? 'keyed' : 'before erasure keys'})`, async () => {
      const details = `Story ${keyed}`
      const old = await storedBefore(details, keyed)
      const writerBefore = await agent(t.app, 'en').post('/help/report', { receipt: old.receipt })
      assert.equal(writerBefore.statusCode, 200)
      assert.match(writerBefore.body, new RegExp(details))

      const reader = { userId: lawyer.id, keyPair: lawyer.keyPair }
      const opened = await openReport(
        t.store.db,
        (await reportOfMember(t.store.db, old.id, lawyer.id))!,
        reader,
      )
      assert.equal(opened.content?.details, details)
      assert.equal(opened.messages[0]?.text, `Reply to ${details}`)
      const after = await row(old.id)
      assert.equal(after.lock_version, 2)
      assert.ok(after.erasure_key && after.erasure_key !== old.oldKey)
      if (old.oldKey)
        assert.equal(await t.store.erasureKeys.read(old.oldKey), null, 'the old key is destroyed')

      const again = await openReport(
        t.store.db,
        (await reportOfMember(t.store.db, old.id, lawyer.id))!,
        reader,
      )
      assert.deepEqual(again, opened)
      const writerAfter = await agent(t.app, 'en').post('/help/report', { receipt: old.receipt })
      assert.equal(writerAfter.statusCode, 200)
      assert.match(writerAfter.body, new RegExp(details))
      assert.match(writerAfter.body, new RegExp(`Reply to ${details}`))
    })
  }

  it('stay as they are when the member opening one can’t open all of it, and give them nothing when relocked', async () => {
    const old = await storedBefore('Sealed before the newcomer', true)
    const newcomer = await createStaff(t.store.db, { roles: ['lawyer'] })
    await addDeskMember(t.store.db, { deskId, userId: newcomer.id, actorId: admin.id })
    const reader = { userId: newcomer.id, keyPair: newcomer.keyPair }
    const opened = await openReport(
      t.store.db,
      (await reportOfMember(t.store.db, old.id, newcomer.id))!,
      reader,
    )
    assert.equal(opened.content, null)
    assert.equal((await row(old.id)).lock_version, 1)
    const lawyerView = await openReport(t.store.db, (await reportOfMember(t.store.db, old.id, lawyer.id))!, {
      userId: lawyer.id,
      keyPair: lawyer.keyPair,
    })
    assert.equal(lawyerView.content?.details, 'Sealed before the newcomer')
    // The lawyer's opening relocked it, to those who held it: the newcomer gains nothing by that.
    assert.equal((await row(old.id)).lock_version, 2)
    const afterwards = await openReport(
      t.store.db,
      (await reportOfMember(t.store.db, old.id, newcomer.id))!,
      reader,
    )
    assert.equal(afterwards.content, null, 'relocking gives no one access they did not have')
  })
})
