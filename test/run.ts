/**
 * `npm test`: the whole suite, once on embedded PGlite and once on a throwaway native PostgreSQL,
 * then the browser tests in Chromium. Prints one closing line, "tests: N passed, N failed" (then
 * ", N skipped" and ", N todo" when there are any), counted from the runner's events by
 * test/support/tally-reporter.ts; it exits 1 if anything failed.
 *
 * `npm test -- --engine pglite` (or postgres) runs one engine; `--no-browser` skips Chromium;
 * any other arguments are test files or quoted globs ('test/browser/*.test.ts') to run instead of
 * all of them. A file that does not exist, or a glob that matches nothing, fails the run at once.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { glob } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { allJobs } from '../src/modules.ts'
import { openStore } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { installJobs } from '../src/platform/jobs/queue.ts'
import { startCluster } from './support/native-postgres.ts'
import { emptyTally, type Tally } from './support/tally-reporter.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { engine: { type: 'string' }, 'no-browser': { type: 'boolean', default: false } },
})
const engines = values.engine ? [values.engine] : ['pglite', 'postgres']
for (const engine of engines) {
  if (engine !== 'pglite' && engine !== 'postgres') {
    console.error(`Unknown engine ${engine}: use pglite or postgres.`)
    process.exit(2)
  }
}

async function files(pattern: string[]): Promise<string[]> {
  const found: string[] = []
  for await (const file of glob(pattern, { exclude: (name) => name.includes('node_modules') }))
    found.push(file)
  return found.sort()
}

// Each argument names files: a mistyped one would otherwise run nothing and report success.
async function named(patterns: string[]): Promise<string[]> {
  const found = new Set<string>()
  const missing: string[] = []
  for (const argument of patterns) {
    const matches = /[*?[{]/.test(argument)
      ? await files([argument])
      : existsSync(argument) && statSync(argument).isFile()
        ? [argument]
        : []
    if (!matches.length) missing.push(argument)
    for (const file of matches) found.add(file)
  }
  if (missing.length) {
    for (const argument of missing)
      console.error(`No test file matches ${argument} (give files or globs, not folders).`)
    process.exit(2)
  }
  return [...found]
}

const unitFiles = positionals.length
  ? await named(positionals)
  : await files(['src/**/*.test.ts', 'test/**/*.test.ts'])
const serverFiles = unitFiles.filter((file) => !file.includes('/browser/'))
const browserFiles = unitFiles.filter((file) => file.includes('/browser/'))
// Browser tests run once, with the PGlite engine.
const browsersRun = !values['no-browser'] && engines.includes('pglite')
if (!serverFiles.length && !(browsersRun && browserFiles.length)) {
  console.error('Nothing to run: browser tests run only with the pglite engine and without --no-browser.')
  process.exit(2)
}

const total = emptyTally()
const tallyReporter = new URL('./support/tally-reporter.ts', import.meta.url).href

function add(tally: Tally): void {
  total.passed += tally.passed
  total.failed += tally.failed
  total.skipped += tally.skipped
  total.todo += tally.todo
}

// The tally reporter's line, or nothing if the runner died before it could write one.
function readTally(file: string): Tally | undefined {
  try {
    return { ...emptyTally(), ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<Tally>) }
  } catch {
    return undefined
  }
}

// One pass of node --test: the spec reporter's text to our stdout, the tally reporter's to a file.
function runNodeTest(label: string, testFiles: string[], env: Record<string, string>): Promise<void> {
  if (!testFiles.length) return Promise.resolve()
  console.log(`\n=== ${label}: ${testFiles.length} files ===`)
  const scratch = mkdtempSync(join(tmpdir(), 'lifeline-tally-'))
  const tallyFile = join(scratch, 'tally.json')
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      [
        '--test',
        '--test-concurrency=2',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        `--test-reporter=${tallyReporter}`,
        `--test-reporter-destination=${tallyFile}`,
        ...testFiles,
      ],
      {
        // Passwords are stretched at libsodium's "interactive" cost in tests (a second less per account
        // made or signed into); password-material.test.ts checks the default, moderate, on its own.
        env: { LIFELINE_PASSWORD_COST: 'interactive', ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    child.stdout.pipe(process.stdout, { end: false })
    child.on('close', (code, signal) => {
      const tally = readTally(tallyFile)
      rmSync(scratch, { recursive: true, force: true })
      if (!tally) {
        console.error(`${label}: the test runner wrote no tally (exit ${code ?? signal}).`)
        add({ ...emptyTally(), failed: 1 })
      } else {
        // A runner that fails with no failure to show for it (killed, or broken itself) still fails.
        if (code !== 0 && !tally.failed) {
          console.error(`${label}: the test runner failed (exit ${code ?? signal}).`)
          tally.failed = 1
        }
        add(tally)
      }
      done()
    })
  })
}

async function embeddedTemplate(): Promise<{ dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-template-'))
  const store = await openStore({ dataDir: dir })
  await migrateToLatest(store.db)
  // pg-boss's schema and every queue, as a server's start makes them: requests enqueue jobs.
  await installJobs(store.pool, allJobs())
  await store.close()
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

async function pglitePass(): Promise<void> {
  const template = await embeddedTemplate()
  try {
    const env = { LIFELINE_TEST_ENGINE: 'pglite', LIFELINE_TEST_PGLITE_TEMPLATE: template.dir }
    await runNodeTest('PGlite', serverFiles, env)
    if (browsersRun) await runNodeTest('Chromium (PGlite)', browserFiles, env)
  } finally {
    template.cleanup()
  }
}

async function postgresPass(): Promise<void> {
  const cluster = await startCluster()
  try {
    const admin = new pg.Client({ connectionString: cluster.url('postgres') })
    await admin.connect()
    await admin.query('CREATE DATABASE lifeline_template')
    await admin.end()
    // No server key is needed to migrate; the one openStore makes goes with the temporary folder.
    const scratch = mkdtempSync(join(tmpdir(), 'lifeline-template-'))
    const store = await openStore({
      dataDir: join(scratch, 'unused'),
      databaseUrl: cluster.url('lifeline_template'),
    })
    await migrateToLatest(store.db)
    await installJobs(store.pool, allJobs())
    await store.close()
    rmSync(scratch, { recursive: true, force: true })
    const env = {
      LIFELINE_TEST_ENGINE: 'postgres',
      LIFELINE_TEST_DATABASE_URL: cluster.url('lifeline_template'),
    }
    await runNodeTest('native PostgreSQL', serverFiles, env)
  } finally {
    cluster.stop()
  }
}

for (const engine of engines) {
  // A pass that cannot start (no initdb, a migration that fails) is a failure the closing line
  // counts, rather than a crash that ends the log without it.
  try {
    await (engine === 'pglite' ? pglitePass() : postgresPass())
  } catch (error) {
    console.error(`The ${engine} pass could not run:`, error)
    total.failed++
  }
}

if (!existsSync('/usr/bin/chromium') && browserFiles.length && !values['no-browser']) {
  console.log('note: /usr/bin/chromium is missing; install it with apt-get install chromium')
}
const skipped = total.skipped ? `, ${total.skipped} skipped` : ''
const todo = total.todo ? `, ${total.todo} todo` : ''
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed${skipped}${todo}`)
process.exit(total.failed ? 1 : 0)
