/**
 * The tally behind npm test's closing line, counted by real runs of node --test with this reporter,
 * as test/run.ts runs it, on small files written for each case: what fails must count as failed,
 * however it fails.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import type { Tally } from './tally-reporter.ts'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-tally-test-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const header = "import { after, before, describe, it, test } from 'node:test'\n"
const reporter = new URL('./tally-reporter.ts', import.meta.url).href

function tally(files: Record<string, string>): Tally {
  const paths = Object.entries(files).map(([name, body]) => {
    const path = join(dir, `${name}.test.ts`)
    writeFileSync(path, header + body)
    return path
  })
  // Without the marker node:test leaves for its children, as if run from a shell.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env
  const { stdout } = spawnSync(
    process.execPath,
    ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', ...paths],
    { env, encoding: 'utf8', timeout: 60_000 },
  )
  return JSON.parse(stdout) as Tally
}

test('passes, skips and todos count apart; a failing todo test fails nothing', () => {
  const counted = tally({
    mixed: `test('passes', () => {})
test('skipped', { skip: true }, () => {})
test('skipped inside', (t) => t.skip('not here'))
test('todo', { todo: true }, () => { throw new Error('not yet') })
describe('a suite', () => { it('passes inside', () => {}) })`,
  })
  assert.deepEqual(counted, { passed: 2, failed: 0, skipped: 2, todo: 1 })
})

test('a skipped suite counts as one skip, though none of its tests run', () => {
  const counted = tally({
    'skipped-suite': `describe('elsewhere only', { skip: true }, () => { it('a', () => {}); it('b', () => {}) })`,
  })
  assert.deepEqual(counted, { passed: 0, failed: 0, skipped: 1, todo: 0 })
})

test('a failing, a timed-out and a cancelled test each count as failed', () => {
  const counted = tally({
    failing: `test('fails', () => { throw new Error('no') })
test('times out', { timeout: 20 }, () => new Promise((done) => setTimeout(done, 500)))
describe('before fails', () => { before(() => { throw new Error('no') }); it('cancelled', () => {}) })`,
  })
  // Four: the two tests, the one the failed before hook cancelled, and that hook's suite.
  assert.deepEqual(counted, { passed: 0, failed: 4, skipped: 0, todo: 0 })
})

test('a failing after hook counts, though every test passed', () => {
  const counted = tally({
    'suite-after': `describe('s', () => { after(() => { throw new Error('no') }); it('passes', () => {}) })`,
    'file-after': `after(() => { throw new Error('no') })\ntest('passes', () => {})`,
  })
  assert.deepEqual(counted, { passed: 2, failed: 2, skipped: 0, todo: 0 })
})

test('a file that fails to load, throws at the top or crashes counts as a failure', () => {
  const counted = tally({
    syntax: 'test("x", () => { const = 1 })',
    throws: "throw new Error('no')",
    crashes: `test('exits', () => new Promise(() => setTimeout(() => process.exit(3), 10)))`,
  })
  assert.deepEqual(counted, { passed: 0, failed: 3, skipped: 0, todo: 0 })
})
