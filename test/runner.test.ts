/**
 * test/run.ts refuses arguments that name no test file, before it starts anything: a mistyped path
 * would otherwise run nothing and report success.
 */
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../', import.meta.url))

function runner(...args: string[]) {
  // Without the marker node:test leaves for its children, as if run from a shell.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env
  const { status, stdout, stderr } = spawnSync(
    process.execPath,
    ['test/run.ts', '--engine', 'pglite', '--no-browser', ...args],
    { cwd: root, env, encoding: 'utf8', timeout: 120_000 },
  )
  return { status, output: stdout + stderr }
}

test('a test file that does not exist fails the run, naming it', () => {
  const { status, output } = runner('test/no-such-file.test.ts')
  assert.equal(status, 2, output)
  assert.match(output, /No test file matches test\/no-such-file\.test\.ts/)
  assert.doesNotMatch(output, /tests: \d+ passed/)
})

test('a glob that matches nothing, or a folder, fails the run', () => {
  for (const argument of ['test/no-such-*.test.ts', 'src/platform']) {
    const { status, output } = runner(argument)
    assert.equal(status, 2, `${argument}: ${output}`)
    assert.match(output, new RegExp(`No test file matches ${argument.replace(/[*.]/g, '\\$&')}`))
  }
})

test('one missing file among real ones fails the run before any test runs', () => {
  const { status, output } = runner('src/platform/i18n.test.ts', 'test/typo.test.ts')
  assert.equal(status, 2, output)
  assert.match(output, /No test file matches test\/typo\.test\.ts/)
  assert.doesNotMatch(output, /=== PGlite/)
})

test('browser tests alone with --no-browser are nothing to run, not a success', () => {
  const { status, output } = runner('test/browser/accessibility.test.ts')
  assert.equal(status, 2, output)
  assert.match(output, /Nothing to run/)
})
