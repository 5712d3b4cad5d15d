import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { byteBudget, workPool } from './admission.ts'

describe('a byte budget', () => {
  it('gives shares while they fit, refuses one that does not, and takes back each share once', () => {
    const budget = byteBudget(100)
    const first = budget.take(60)
    assert.ok(first)
    assert.equal(budget.take(50), null)
    const second = budget.take(40)
    assert.ok(second)
    assert.equal(budget.held, 100)
    first()
    first()
    assert.equal(budget.held, 40)
    assert.ok(budget.take(60))
    assert.equal(budget.peak, 100)
  })
})

describe('a work pool', () => {
  it('runs its places, lines up its waiting, and refuses the next at once without running it', async () => {
    const pool = workPool(1, 2)
    const gates: (() => void)[] = []
    const started: number[] = []
    const job = (n: number) => () =>
      new Promise<number>((done) => {
        started.push(n)
        gates.push(() => done(n))
      })
    const running = [pool.run(job(1)), pool.run(job(2)), pool.run(job(3))]
    assert.deepEqual(await pool.run(job(4)), { busy: true })
    assert.equal(pool.running, 1)
    assert.equal(pool.waiting, 2)
    for (let i = 0; i < 3; i++) {
      while (gates.length <= i) await new Promise((resolve) => setImmediate(resolve))
      gates[i]!()
    }
    assert.deepEqual(
      await Promise.all(running),
      [1, 2, 3].map((value) => ({ busy: false, value })),
    )
    assert.deepEqual(started, [1, 2, 3])
    assert.deepEqual(await pool.run(async () => 5), { busy: false, value: 5 })
  })
})
