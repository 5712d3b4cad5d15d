import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import { COARSE_MS, isCoarse } from '../../../platform/coarse-time.ts'
import { solvedProof, testWork } from '../testing/forms.ts'
import { forgetSpentProofs } from './forget-spent-proofs.ts'
import { spendProof } from './spend-proof.ts'

let store: TestStore
before(async () => {
  store = await testStore()
})
after(() => store.close())

const decode = (proof: string) => JSON.parse(Buffer.from(proof, 'base64').toString('utf8'))
const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64')

describe('proofs of work', () => {
  it('accepts a solved challenge once', async () => {
    const proof = await solvedProof(store.db)
    assert.equal(await spendProof(store.db, proof), true)
    assert.equal(await spendProof(store.db, proof), false, 'replayed')
  })

  // (The counter is not checked: the derived key, which only solving finds, is checked against the
  // challenge's signed key signature.)
  it('refuses a wrong derived key, a changed challenge and another server’s challenge', async () => {
    const proof = decode(await solvedProof(store.db))
    const wrongKey = { ...proof, solution: { ...proof.solution, derivedKey: '00'.repeat(32) } }
    const cheaper = {
      ...proof,
      challenge: { ...proof.challenge, parameters: { ...proof.challenge.parameters, cost: 1 } },
    }
    const longer = {
      ...proof,
      challenge: {
        ...proof.challenge,
        parameters: { ...proof.challenge.parameters, expiresAt: 9_999_999_999 },
      },
    }
    for (const [name, sent] of Object.entries({ wrongKey, cheaper, longer }))
      assert.equal(await spendProof(store.db, encode(sent)), false, name)

    const elsewhere = await testStore()
    try {
      assert.equal(await spendProof(store.db, await solvedProof(elsewhere.db)), false, 'signed elsewhere')
    } finally {
      await elsewhere.close()
    }
    // The genuine one still works: nothing above spent it.
    assert.equal(await spendProof(store.db, encode(proof)), true)
  })

  it('refuses an expired challenge', async () => {
    const proof = await solvedProof(store.db, { ...testWork, lifetimeMs: -1_000 })
    assert.equal(await spendProof(store.db, proof), false)
  })

  it('answers malformed, oversized and hostile input with no, never an error', async () => {
    const hostile: unknown[] = [
      undefined,
      null,
      42,
      ['a', 'b'],
      '',
      'not base64 at all!',
      Buffer.from([0xff, 0xfe, 0xc3, 0x28]).toString('base64'),
      encode({ challenge: "'; DROP TABLE helpdesk_reports; --", solution: {} }),
      encode({ challenge: { parameters: { algorithm: 'SHA-1' }, signature: 'x' }, solution: { counter: 1 } }),
      encode({ challenge: { parameters: '<script>alert(1)</script>' }, solution: null }),
      'A'.repeat(100_000),
    ]
    for (const sent of hostile)
      assert.equal(await spendProof(store.db, sent), false, String(sent).slice(0, 40))
    const rows = await store.db.selectFrom('helpdesk_spent_proofs').select('signature').execute()
    assert.equal(rows.length, 2, 'only the two genuine proofs above were spent')
  })

  it('forgets spent proofs once their challenges have expired, dated only to ten minutes', async () => {
    const spent = await store.db.selectFrom('helpdesk_spent_proofs').select('expires_at').execute()
    for (const row of spent) assert.ok(isCoarse(row.expires_at), 'no exact time of the writer’s page')
    // Kept to the end of the window the challenge expired in.
    const later = new Date(Date.now() + testWork.lifetimeMs + COARSE_MS)
    assert.equal(await forgetSpentProofs(store.db), 0)
    assert.equal(await forgetSpentProofs(store.db, later), 2)
  })
})
