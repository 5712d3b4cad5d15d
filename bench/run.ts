/**
 * `npm run bench [-- <suite>]`: runs one benchmark suite, `platform` by default. A suite is a file
 * bench/<name>.ts exporting `run()` and a one-line `description`; `-- --list` lists them. Whatever a
 * suite starts is stopped and its temp dirs removed at the end, also after an error or Ctrl-C.
 */
import { readdirSync } from 'node:fs'
import { cleanUp } from './support/processes.ts'

type Suite = { run(): Promise<void>; description?: string }

const suites = readdirSync(import.meta.dirname)
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts') && file !== 'run.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort()

async function load(name: string): Promise<Suite> {
  return (await import(`./${name}.ts`)) as Suite
}

const wanted = process.argv[2] ?? 'platform'
if (wanted === '--list') {
  for (const name of suites) console.log(`${name.padEnd(12)} ${(await load(name)).description ?? ''}`)
  process.exit(0)
}
if (!suites.includes(wanted)) {
  console.error(`Unknown suite "${wanted}". Suites: ${suites.join(', ')}`)
  process.exit(2)
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, async () => {
    console.error(`\n${signal}: stopping everything the benchmark started…`)
    await cleanUp()
    process.exit(130)
  })
}

try {
  console.log(`Benchmark suite: ${wanted}`)
  await (await load(wanted)).run()
} catch (error) {
  console.error(error)
  process.exitCode = 1
} finally {
  await cleanUp()
}
