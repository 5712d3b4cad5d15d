/**
 * `npm test`: the whole suite, once on embedded PGlite and once on a throwaway native PostgreSQL,
 * then the browser tests in Chromium. Prints one closing line: "tests: N passed, N failed".
 *
 * `npm test -- --engine pglite` (or postgres) runs one engine; `--no-browser` skips Chromium;
 * any other arguments are test files or quoted globs ('test/browser/*.test.ts') to run instead of
 * all of them. A file that does not exist, or a glob that matches nothing, fails the run at once.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { glob } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openStore } from '../src/platform/db/database.ts'
import { migrateToLatest } from '../src/platform/db/migrate.ts'
import { startCluster } from './support/native-postgres.ts'

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { engine: { type: 'string' }, 'no-browser': { type: 'boolean', default: false } },
})
const engines = values.engine ? [values.engine] : ['pglite', 'postgres']

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

type Tally = { passed: number; failed: number; skipped: number }
const total: Tally = { passed: 0, failed: 0, skipped: 0 }

function runNodeTest(label: string, testFiles: string[], env: Record<string, string>): Promise<void> {
  if (!testFiles.length) return Promise.resolve()
  console.log(`\n=== ${label}: ${testFiles.length} files ===`)
  return new Promise((done) => {
    const child = spawn(
      process.execPath,
      ['--test', '--test-reporter=spec', '--test-concurrency=2', ...testFiles],
      {
        // Passwords are stretched at libsodium's "interactive" cost in tests (a second less per account
        // made or signed into); password-material.test.ts checks the default, moderate, on its own.
        env: { LIFELINE_PASSWORD_COST: 'interactive', ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
    let tail = ''
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk)
      tail = (tail + chunk.toString()).slice(-4000)
    })
    child.on('close', (code) => {
      const count = (name: string) => Number(tail.match(new RegExp(`ℹ ${name} (\\d+)`))?.[1] ?? 0)
      total.passed += count('pass')
      total.failed += count('fail') + (code !== 0 && count('fail') === 0 ? 1 : 0)
      total.skipped += count('skipped') + count('todo')
      done()
    })
  })
}

async function embeddedTemplate(): Promise<{ dir: string; cleanup(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-template-'))
  const store = await openStore({ dataDir: dir })
  await migrateToLatest(store.db)
  await store.close()
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}

for (const engine of engines) {
  if (engine === 'pglite') {
    const template = await embeddedTemplate()
    const env = { LIFELINE_TEST_ENGINE: 'pglite', LIFELINE_TEST_PGLITE_TEMPLATE: template.dir }
    await runNodeTest('PGlite', serverFiles, env)
    if (browsersRun) await runNodeTest('Chromium (PGlite)', browserFiles, env)
    template.cleanup()
  } else if (engine === 'postgres') {
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
  } else {
    console.error(`Unknown engine ${engine}: use pglite or postgres.`)
    process.exit(2)
  }
}

if (!existsSync('/usr/bin/chromium') && browserFiles.length && !values['no-browser']) {
  console.log('note: /usr/bin/chromium is missing; install it with apt-get install chromium')
}
const skipped = total.skipped ? `, ${total.skipped} skipped` : ''
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed${skipped}`)
process.exit(total.failed ? 1 : 0)
