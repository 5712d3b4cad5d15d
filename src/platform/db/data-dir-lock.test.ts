import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { engine } from '../../../test/support/db.ts'
import {
  acquireDataDir,
  DATA_DIR_LOCK_NAME,
  dataDirHolder,
  EXIT_LOCK_LOST,
  isDataDirLocked,
  lockDataDir,
} from './data-dir-lock.ts'
import { HOLDER_RECORD_NAME, recordForThisProcess, writeRecord } from './data-dir-lock-holder.ts'

const dirs: string[] = []
const children: ChildProcess[] = []
after(() => {
  for (const child of children) child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lifeline-lock-'))
  dirs.push(dir)
  return dir
}

/**
 * Another process that takes the lock, says so, then keeps its main thread busy for `busyMs` without a
 * break (as PGlite does during a long query), or idles when `busyMs` is 0.
 */
async function holder(
  dir: string,
  busyMs: number,
): Promise<{ child: ChildProcess; exited: Promise<string> }> {
  const script = `
    import { writeSync } from 'node:fs'
    import { lockDataDir } from ${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).href)}
    const lock = await lockDataDir(process.argv[1])
    writeSync(1, lock ? 'locked\\n' : 'held\\n')
    const end = Date.now() + Number(process.argv[2])
    while (Date.now() < end) {}
    if (Number(process.argv[2]) === 0) setInterval(() => {}, 1000)
    else await lock?.release()
  `
  const child = spawn(process.execPath, ['-e', script, dir, String(busyMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  children.push(child)
  const exited = new Promise<string>((done) =>
    child.on('exit', (code, signal) => done(signal ?? String(code))),
  )
  let output = ''
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk))
  const said = await new Promise<string>((done) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('\n')) done(output.trim())
    })
    exited.then((how) => done(`exited ${how}`))
  })
  assert.equal(said, 'locked', errors)
  return { child, exited }
}

/**
 * A server and its database process, as pglite-host.ts: the child takes the lock tied to its parent and,
 * when the parent dies, takes `closingMs` to close before letting go. Resolves once the child holds it.
 */
async function serverWithChild(dir: string, closingMs: number): Promise<{ parent: ChildProcess }> {
  const lockModule = JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).href)
  const scripts = dataDir()
  const childFile = join(scripts, 'database-process.mjs')
  writeFileSync(
    childFile,
    `
    import { lockDataDir } from ${lockModule}
    const lock = await lockDataDir(process.argv[2], { tiedToParent: true, serves: true })
    process.send({ locked: Boolean(lock) })
    process.on('disconnect', () => setTimeout(async () => { await lock.release(); process.exit(0) }, ${closingMs}))
  `,
  )
  const parentScript = `
    import { fork } from 'node:child_process'
    import { writeSync } from 'node:fs'
    const child = fork(${JSON.stringify(childFile)}, [process.argv[1]])
    child.on('message', (m) => writeSync(1, (m.locked ? 'locked ' : 'held ') + child.pid + '\\n'))
    setInterval(() => {}, 1000)
  `
  const parent = spawn(process.execPath, ['-e', parentScript, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  children.push(parent)
  const said = await new Promise<string>((done) => {
    let output = ''
    parent.stdout?.on('data', (chunk: Buffer) => {
      output += chunk
      if (output.includes('\n')) done(output.trim())
    })
  })
  assert.match(said, /^locked \d+$/)
  return { parent }
}

// Only the embedded engine has a data dir to lock: the native pass skips this.
describe('the data dir lock', { concurrency: true, skip: engine !== 'pglite' }, () => {
  it('is refused to a second taker while held, and free again once released', async () => {
    const dir = dataDir()
    const first = await lockDataDir(dir)
    assert.ok(first)
    assert.equal(await isDataDirLocked(dir), true)
    assert.equal(await lockDataDir(dir), null)
    await first.release()
    assert.equal(await isDataDirLocked(dir), false)
    const again = await lockDataDir(dir)
    assert.ok(again)
    await again.release()
  })

  it('stays fresh while its holder is busy for longer than the stale time, and is free at once after a SIGKILL', async () => {
    const dir = dataDir()
    const { child, exited } = await holder(dir, 15_000)
    await sleep(12_000)
    assert.equal(await isDataDirLocked(dir), true, 'the lock went stale while its holder was busy')
    const refused = await acquireDataDir(dir)
    assert.ok('holder' in refused)
    assert.deepEqual(refused.holder, {
      verdict: 'live',
      pid: child.pid,
      host: refused.holder.host,
      serves: false,
    })
    child.kill('SIGKILL')
    assert.equal(await exited, 'SIGKILL')
    // The folder is fresh (refreshed 2 s ago at most), but its holder has ended.
    assert.equal(await isDataDirLocked(dir), false)
    const next = await acquireDataDir(dir)
    assert.ok('lock' in next, 'a new process could not take the lock at once after the crash')
    assert.equal(next.lock.tookOverFrom, child.pid)
    await next.lock.release()
  })

  it('takes over a lock whose recorded pid now belongs to another process', async () => {
    const dir = dataDir()
    mkdirSync(join(dir, DATA_DIR_LOCK_NAME))
    // This test's own pid, alive, but with a start time that is not this process's: a recycled pid.
    const record = recordForThisProcess({ tiedToParent: false, serves: true })
    writeRecord(join(dir, HOLDER_RECORD_NAME), { ...record, started: '1' })
    const taken = await acquireDataDir(dir)
    assert.ok('lock' in taken)
    assert.equal(taken.lock.tookOverFrom, process.pid)
    await taken.lock.release()
  })

  it('leaves a lock held from another machine to the stale time', async () => {
    const dir = dataDir()
    const lockDir = join(dir, DATA_DIR_LOCK_NAME)
    mkdirSync(lockDir)
    const record = recordForThisProcess({ tiedToParent: false, serves: true })
    writeRecord(join(dir, HOLDER_RECORD_NAME), { ...record, host: 'elsewhere', pid: 999_999 })
    const refused = await acquireDataDir(dir)
    assert.ok('holder' in refused)
    assert.deepEqual(refused.holder, { verdict: 'unknown', pid: 999_999, host: 'elsewhere', serves: true })
    const old = new Date(Date.now() - 11_000)
    utimesSync(lockDir, old, old)
    assert.equal(dataDirHolder(dir), null)
    const taken = await acquireDataDir(dir)
    assert.ok('lock' in taken, 'a stale lock from another machine was not freed')
    await taken.lock.release()
  })

  it("waits for a server's database process that is closing after the server died, then takes the lock", async () => {
    const dir = dataDir()
    const { parent } = await serverWithChild(dir, 6_000)
    assert.equal(dataDirHolder(dir)?.verdict, 'live')
    assert.equal(dataDirHolder(dir)?.pid, parent.pid)
    parent.kill('SIGKILL')
    await new Promise((done) => parent.once('exit', done))
    assert.equal(dataDirHolder(dir)?.verdict, 'orphan')
    const taken = await acquireDataDir(dir)
    assert.ok('lock' in taken, 'the lock was refused instead of waited for')
    assert.equal(taken.lock.tookOverFrom, undefined, 'the old holder let go by itself')
    await taken.lock.release()
  })

  it('stops a process that lost its lock, even with its main thread busy', async () => {
    const busy = dataDir()
    const idle = dataDir()
    const stuck = await holder(busy, 15_000)
    const free = await holder(idle, 0)
    const start = Date.now()
    rmdirSync(join(busy, DATA_DIR_LOCK_NAME))
    rmdirSync(join(idle, DATA_DIR_LOCK_NAME))
    const [stuckExit, freeExit] = await Promise.all([stuck.exited, free.exited])
    // One refresh (2 s) to notice, and a second for the busy one to be killed.
    assert.ok(Date.now() - start < 5_000, `stopped only after ${Date.now() - start} ms`)
    assert.equal(stuckExit, 'SIGKILL')
    assert.equal(freeExit, String(EXIT_LOCK_LOST))
  })
})
