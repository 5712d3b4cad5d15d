/**
 * Child processes for the benchmarks. Each is spawned as the leader of its own process group, so
 * stopping it also stops what it started (the embedded database's host process). Everything started
 * is registered, and cleanUp() ends it all and removes temp dirs, also after an error.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../../test/support/ports.ts'

/** A free TCP port on the loopback address. */
export { freePort }

const cleanups = new Set<() => Promise<void> | void>()

/** Registers work for cleanUp(); returns a function that runs it early (once) and unregisters it. */
export function onCleanUp(work: () => Promise<void> | void): () => Promise<void> {
  cleanups.add(work)
  return async () => {
    if (cleanups.delete(work)) await work()
  }
}

/** Runs every registered cleanup, newest first; errors are reported, not thrown. */
export async function cleanUp(): Promise<void> {
  for (const work of [...cleanups].reverse()) {
    cleanups.delete(work)
    try {
      await work()
    } catch (error) {
      console.error('cleanup failed:', error)
    }
  }
}

/** A temp dir removed at cleanUp(). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  onCleanUp(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

type ProcStat = { pid: number; state: string; ppid: number; pgrp: number; cpuTicks: number }

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name is in parentheses and may hold spaces: the fields start after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return {
      pid,
      state: fields[0]!,
      ppid: Number(fields[1]),
      pgrp: Number(fields[2]),
      // Own user + system time, plus that of children it has reaped (PostgreSQL's finished backends).
      cpuTicks: Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]),
    }
  } catch {
    return null
  }
}

function allStats(): ProcStat[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== null)
}

/** Live (not zombie) processes of a process group. */
function groupMembers(pgid: number): ProcStat[] {
  return allStats().filter((stat) => stat.pgrp === pgid && stat.state !== 'Z')
}

/** Direct children of a process. */
export function childrenOf(pid: number): number[] {
  return allStats()
    .filter((stat) => stat.ppid === pid && stat.state !== 'Z')
    .map((stat) => stat.pid)
}

/** A process and all its descendants. */
export function treeOf(pid: number): number[] {
  const stats = allStats()
  const found = [pid]
  for (let i = 0; i < found.length; i++) {
    for (const stat of stats) if (stat.ppid === found[i] && stat.state !== 'Z') found.push(stat.pid)
  }
  return found
}

/** Pids whose command line contains `text`. */
export function pidsWithCommandLine(text: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(text)
      } catch {
        return false
      }
    })
    .map(Number)
}

function statusField(pid: number, field: string, file = 'status'): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
      readFileSync(`/proc/${pid}/${file}`, 'utf8'),
    )
    return match ? Number(match[1]) * 1024 : 0
  } catch {
    return 0
  }
}

/** Resident memory of a process in bytes (VmRSS). */
export function rss(pid: number): number {
  return statusField(pid, 'VmRSS')
}

/** Proportional resident memory in bytes (shared pages split among their users). */
export function pss(pid: number): number {
  return statusField(pid, 'Pss', 'smaps_rollup')
}

/** CPU time (user + system) of a process and its reaped children, in seconds. */
export function cpuSeconds(pid: number): number {
  return (readStat(pid)?.cpuTicks ?? 0) / 100
}

/** A started process group. */
export type Group = { child: ChildProcess; pid: number; log: string; stop(): Promise<void> }

/**
 * Spawns a command as its own process group with output to a log file. stop() sends SIGTERM to the
 * leader (a graceful shutdown), waits until the whole group has gone, and kills the group if it lingers.
 */
export function spawnGroup(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; log: string },
): Group {
  const fd = openSync(options.log, 'a')
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ['ignore', fd, fd],
  })
  closeSync(fd)
  const pid = child.pid
  if (!pid) throw new Error(`could not start ${command}`)
  const stop = onCleanUp(() => stopGroup(pid, 20_000))
  return { child, pid, log: options.log, stop }
}

/** Stops a process group: SIGTERM to its leader, then SIGKILL to the group after `graceMs`. */
export async function stopGroup(pgid: number, graceMs: number): Promise<void> {
  try {
    process.kill(pgid, 'SIGTERM')
  } catch {}
  const deadline = Date.now() + graceMs
  while (groupMembers(pgid).length && Date.now() < deadline) await sleep(50)
  if (groupMembers(pgid).length) {
    try {
      process.kill(-pgid, 'SIGKILL')
    } catch {}
    while (groupMembers(pgid).length) await sleep(20)
  }
}

/** The last lines of a log file, for error messages. */
export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}

/** Whether PostgreSQL's server programs are installed, for the native half of a suite. */
export function initdbAvailable(): boolean {
  const found = spawnSync('sh', ['-c', 'command -v initdb || ls /usr/lib/postgresql/*/bin/initdb'], {
    encoding: 'utf8',
  })
  return !!found.stdout.trim()
}

/** `--engine pglite|native` on the command line: measure that engine only (the other's column stays empty). */
export function onlyEngine(): 'pglite' | 'native' | undefined {
  const at = process.argv.indexOf('--engine')
  if (at < 0) return undefined
  const engine = process.argv[at + 1]
  if (engine !== 'pglite' && engine !== 'native') throw new Error('--engine must be pglite or native')
  return engine
}

/** `--records N` from the command line: `fallback` when absent; 10 to 1,000,000. */
export function recordsArgument(fallback: number): number {
  const at = process.argv.indexOf('--records')
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback
  if (!Number.isInteger(value) || value < 10 || value > 1_000_000)
    throw new Error('--records must be 10 to 1000000')
  return value
}
