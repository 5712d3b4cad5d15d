import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { engine, testStore } from '../../../test/support/db.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import { freePort } from '../../../test/support/ports.ts'
import { attachErasureKeys } from '../../platform/crypto/erasure-keys.ts'
import { openStore, type Store } from '../../platform/db/database.ts'
import { migrateToLatest } from '../../platform/db/migrate.ts'
import { checkReceipt } from '../../platform/intake/receipts.ts'
import { openReport, reportOfMember } from './queries/reports.ts'
import { receiptLookup, receiptLookupKey } from './receipt-keys.ts'
import { helpdeskWith } from './testing/desk-setup.ts'

// The server as it runs in production: its own process (and, embedded, the database's child process),
// killed with SIGKILL while reports are arriving, then started again on the same data.
const dataDir = mkdtempSync(join(tmpdir(), 'lifeline-crash-'))
let databaseUrl: string | undefined
const running: ChildProcess[] = []
let closeNative: (() => Promise<void>) | undefined

after(async () => {
  for (const child of running) if (child.exitCode === null) killGroup(child)
  await closeNative?.()
  rmSync(dataDir, { recursive: true, force: true })
})

// The whole process group: the server and, embedded, the database process it forked.
function killGroup(child: ChildProcess) {
  try {
    process.kill(-child.pid!, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

/**
 * Starts the server, as a supervisor (systemd) would after a crash: again while it stops at once
 * because the dead process's data-dir lock is not stale yet (it is after 10 s).
 */
async function startServer(port: number): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    LIFELINE_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  }
  if (databaseUrl) env.DATABASE_URL = databaseUrl
  else delete env.DATABASE_URL
  let output = ''
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const child = spawn(process.execPath, ['src/main.ts'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    running.push(child)
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    while (child.exitCode === null && Date.now() < deadline) {
      const up = await fetch(`http://127.0.0.1:${port}/help`).then(
        (response) => response.status === 200,
        () => false,
      )
      if (up) return child
      await sleep(100)
    }
    await sleep(500)
  }
  throw new Error(`the server did not start:\n${output.slice(-3000)}`)
}

/** Sends one legal-help report as a browser would; resolves with its receipt, or null if none came. */
async function sendReport(base: string, details: string): Promise<string | null> {
  const form = await fetch(`${base}/help/legal`)
  const page = await form.text()
  const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? ''
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? ''
  const response = await fetch(`${base}/help/legal`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    body: new URLSearchParams({ _csrf: csrf, token, category: 'fine', details }),
  })
  const body = await response.text()
  if (response.status !== 201) return null
  return /<p class="receipt"><strong[^>]*>([0-9A-Z-]{24})<\/strong>/.exec(body)?.[1] ?? null
}

async function setUp(): Promise<TestStaff> {
  let store: Store
  if (engine === 'postgres') {
    const native = await testStore()
    databaseUrl = native.databaseUrl
    closeNative = () => native.close().catch(() => {})
    store = native
  } else {
    store = await openStore({ dataDir })
    attachErasureKeys(store, { dataDir })
    await migrateToLatest(store.db)
  }
  const admin = await createStaff(store.db, { roles: ['admin'] })
  const lawyer = await createStaff(store.db, { roles: ['lawyer'] })
  await helpdeskWith(store.db, admin.id, [lawyer.id])
  // The embedded database is one process's at a time: this one lets go before the server starts.
  if (engine === 'pglite') await store.close()
  return lawyer
}

describe('a crash while reports arrive', () => {
  it('keeps every report a receipt was given for, readable by the desk after a restart', async () => {
    const lawyer = await setUp()
    const port = await freePort()
    const base = `http://127.0.0.1:${port}`
    const server = await startServer(port)
    const given = new Map<string, string>()
    let sent = 0
    let stop = false
    const writers = Array.from({ length: 6 }, async (_, writer) => {
      while (!stop) {
        const details = `Crash test report ${writer}-${sent++}`
        const receipt = await sendReport(base, details).catch(() => null)
        if (receipt) given.set(receipt, details)
      }
    })
    // Let reports flow, then kill the server and its database mid-stream.
    while (given.size < 20) await sleep(20)
    await sleep(300)
    // The writers go on until the server is gone: those caught mid-request get no receipt.
    const gone = new Promise((done) => server.once('exit', done))
    killGroup(server)
    await gone
    stop = true
    await Promise.all(writers)
    assert.ok(given.size >= 20, `${given.size} receipts before the crash`)
    assert.ok(sent > given.size, 'some reports were in flight when the server died')

    // Started again on the same data: every receipt opens its report.
    const restarted = await startServer(port)
    const missing: string[] = []
    for (const [receipt, details] of given) {
      const form = await fetch(`${base}/help/report`)
      const cookie = (form.headers.get('set-cookie') ?? '').split(';')[0]!
      const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1] ?? ''
      const opened = await fetch(`${base}/help/report`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
        body: new URLSearchParams({ _csrf: csrf, receipt }),
      })
      if (opened.status !== 200 || !(await opened.text()).includes(details)) missing.push(receipt)
    }
    assert.deepEqual(missing, [])
    restarted.kill('SIGTERM')
    await new Promise((done) => restarted.once('exit', done))

    // And the desk can read them: decrypted with the lawyer's own key.
    const store = await openStore({ dataDir, databaseUrl })
    attachErasureKeys(store, { dataDir })
    try {
      let read = 0
      for (const [receipt, details] of given) {
        const checked = checkReceipt(receipt)
        assert.ok(checked.ok)
        const row = await store.db
          .selectFrom('helpdesk_reports')
          .select('id')
          .where('receipt_lookup', '=', receiptLookup(checked.symbols, receiptLookupKey(store.db)))
          .executeTakeFirstOrThrow()
        const report = (await reportOfMember(store.db, row.id, lawyer.id))!
        const opened = await openReport(store.db, report, { userId: lawyer.id, keyPair: lawyer.keyPair })
        assert.equal(opened.content?.details, details)
        read += 1
      }
      assert.equal(read, given.size)
    } finally {
      await store.close()
    }
  })
})
