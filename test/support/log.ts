/** The app's log kept in memory, for tests that check what a run logged. */
import { Writable } from 'node:stream'

/** One line of the app's log (pino's JSON). */
export type LogLine = { level: number; msg?: string; err?: { message?: string; stack?: string } } & Record<
  string,
  unknown
>

/** pino's number for the `error` level. */
export const ERROR_LEVEL = 50

/** A stream to give buildApp as `logStream`, and the lines written to it so far. */
export function logCapture(): { stream: Writable; lines: LogLine[]; errors(): LogLine[] } {
  const lines: LogLine[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text.trim()) lines.push(JSON.parse(text) as LogLine)
      done()
    },
  })
  return { stream, lines, errors: () => lines.filter((line) => line.level >= ERROR_LEVEL) }
}
