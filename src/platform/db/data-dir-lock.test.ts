import assert from 'node:assert/strict'
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { engine } from '../../../test/support/db.ts'
import { DATA_DIR_LOCK_NAME, EXIT_LOCK_LOST, isDataDirLocked, lockDataDir } from './data-dir-lock.ts'

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

/** Polls until `check` holds; returns how long it took, or throws after `limitMs`. */
async function within(limitMs: number, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  while (Date.now() - start < limitMs) {
    if (await check()) return Date.now() - start
    await sleep(250)
  }
  throw new Error(`not within ${limitMs} ms`)
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

  it('stays fresh while its holder is busy for longer than the stale time, and frees soon after a SIGKILL', async () => {
    const dir = dataDir()
    const { child, exited } = await holder(dir, 15_000)
    await sleep(12_000)
    assert.equal(await isDataDirLocked(dir), true, 'the lock went stale while its holder was busy')
    assert.equal(await lockDataDir(dir), null)
    child.kill('SIGKILL')
    assert.equal(await exited, 'SIGKILL')
    await within(15_000, async () => !(await isDataDirLocked(dir)))
    const next = await lockDataDir(dir)
    assert.ok(next, 'a new process could not take the lock after the crash')
    await next.release()
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
