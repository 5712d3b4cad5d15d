/**
 * A node:test reporter for test/run.ts: counts a run's tests from the runner's own events and, when
 * the run ends, writes the counts as one line of JSON, which run.ts adds into its closing line.
 * The spec reporter's text is for people; this keeps the tally from depending on its wording.
 */
import type { TestEvent } from 'node:test/reporters'

/** What one run counted. A cancelled or timed-out test is a failure; a todo test fails nothing. */
export type Tally = { passed: number; failed: number; skipped: number; todo: number }

/** A tally with nothing counted yet. */
export function emptyTally(): Tally {
  return { passed: 0, failed: 0, skipped: 0, todo: 0 }
}

type Outcome = Extract<TestEvent, { type: 'test:pass' | 'test:fail' }>

function failureType(error: Error): unknown {
  return (error as Error & { failureType?: unknown }).failureType
}

function count(tally: Tally, { type, data }: Outcome): void {
  const failed = type === 'test:fail'
  if (data.details.type === 'suite') {
    // A suite's tests count for it, with two exceptions: a skipped suite runs none of its tests, so
    // it counts as one skip rather than none; and a failed before/after hook fails no test of its own.
    if (data.skip !== undefined) tally.skipped++
    else if (failed && failureType(data.details.error) === 'hookFailed') tally.failed++
    return
  }
  // Not a suite: a test, or a test file that crashed, failed to load or failed after its tests.
  if (data.skip !== undefined) tally.skipped++
  else if (data.todo !== undefined) tally.todo++
  else if (failed) tally.failed++
  else tally.passed++
}

/** The reporter: node --test --test-reporter=<this file> --test-reporter-destination=<file>. */
export default async function* tallyReporter(source: AsyncIterable<TestEvent>): AsyncGenerator<string> {
  const tally = emptyTally()
  for await (const event of source)
    if (event.type === 'test:pass' || event.type === 'test:fail') count(tally, event)
  yield `${JSON.stringify(tally)}\n`
}
