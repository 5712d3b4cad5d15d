/** `lifeline demo --events N [--seed S]`: fills the chronicle with synthetic events. */
import { type Command, InvalidArgumentError } from 'commander'
import { loadEnv } from '../../../env.ts'
import type { CliDeps } from '../../../platform/module.ts'
import { generateDemo } from './generate.ts'

function positive(name: string, max: number) {
  return (value: string): number => {
    const n = Number(value)
    if (!Number.isInteger(n) || n < 0 || n > max)
      throw new InvalidArgumentError(`--${name} must be a whole number from 0 to ${max}`)
    return n
  }
}

/** Adds the `demo` command to the CLI. */
export function registerDemoCommand(program: Command, deps: CliDeps): void {
  program
    .command('demo')
    .description(
      'Add a synthetic chronicle (Russian text, realistic dates, regions, types and articles) for trying Lifeline and for benchmarks. Demo events have external_source = demo.',
    )
    .requiredOption('--events <n>', 'how many events to add', positive('events', 100_000_000))
    .option(
      '--seed <n>',
      'random seed: the same seed gives the same chronicle',
      positive('seed', 2 ** 32 - 1),
      1,
    )
    .option('--batch <n>', 'events per INSERT', positive('batch', 20_000), 5000)
    .action(async (options: { events: number; seed: number; batch: number }) => {
      await deps.withStore(loadEnv(), async (store) => {
        const started = Date.now()
        const number = new Intl.NumberFormat('en')
        await generateDemo(store.db, {
          events: options.events,
          seed: options.seed,
          batchSize: options.batch,
          onProgress: (done, total) => {
            const seconds = (Date.now() - started) / 1000
            const rate = Math.round(done / Math.max(seconds, 0.001))
            const line = `${number.format(done)} / ${number.format(total)} events, ${number.format(rate)}/s`
            if (process.stdout.isTTY) process.stdout.write(`\r${line}   `)
            else console.log(line)
          },
        })
        if (process.stdout.isTTY) process.stdout.write('\n')
        console.log(
          `Added ${number.format(options.events)} demo events in ${((Date.now() - started) / 1000).toFixed(1)} s.`,
        )
      })
    })
}
