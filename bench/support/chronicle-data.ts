/**
 * The chronicle benchmark's input: a CSV of demo events (the generator behind `lifeline demo`, so the
 * text, dates, regions and types are realistic) and the import mapping that reads it. The same file
 * goes through the real import and through a raw COPY into a bare table of the same columns.
 */
import { once } from 'node:events'
import { createWriteStream, statSync, writeFileSync } from 'node:fs'
import { buildEvent } from '../../src/modules/chronicle/demo/build.ts'
import { seeded } from '../../src/modules/chronicle/demo/random.ts'

/** The file's columns, in order; `bareTable` types them for the COPY baseline. */
const columns = [
  'external_id',
  'title_ru',
  'summary_ru',
  'type',
  'start_date',
  'region',
  'locality',
  'latitude',
  'longitude',
  'participants',
  'detained',
  'authorised',
  'subject',
  'source_url',
  'articles',
] as const

/** The bare table a raw COPY fills: the file's columns with their types, no index, no trigger. */
export const bareTable = `CREATE TABLE bench_raw (
  external_id text, title_ru text, summary_ru text, type text, start_date date, region text, locality text,
  latitude float8, longitude float8, participants int, detained int, authorised boolean, subject text,
  source_url text, articles text)`

/** The mapping the real import reads the file with: published and verified, like a trusted feed. */
export const benchMapping = {
  name: 'bench-demo',
  description: 'Benchmark input: demo events as CSV.',
  format: 'csv',
  externalSource: 'bench',
  source: { description: 'Synthetic benchmark events', reliability: 'medium' },
  status: 'verified',
  publish: true,
  fields: {
    externalId: { column: 'external_id' },
    'title.ru': { column: 'title_ru' },
    'summary.ru': { column: 'summary_ru' },
    type: { column: 'type' },
    startDate: { column: 'start_date', format: 'yyyy-mm-dd' },
    region: { column: 'region' },
    locality: { column: 'locality' },
    latitude: { column: 'latitude' },
    longitude: { column: 'longitude' },
    participants: { column: 'participants' },
    detained: { column: 'detained' },
    authorised: { column: 'authorised' },
    subject: { column: 'subject' },
    sourceUrl: { column: 'source_url' },
    articles: { column: 'articles', separator: ' | ' },
  },
}

// One CSV field: quoted when it holds a comma, quote or line break (demo text has none of the latter).
function field(value: string | number | boolean | null): string {
  if (value === null) return ''
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Writes `events` demo events as CSV to `path` (seed 1); returns the file's size in bytes. */
export async function writeDemoCsv(path: string, events: number): Promise<number> {
  const random = seeded(1)
  const out = createWriteStream(path)
  out.write(`${columns.join(',')}\n`)
  let chunk: string[] = []
  for (let index = 0; index < events; index++) {
    const e = buildEvent(random, 1, index)
    chunk.push(
      [
        e.external_id,
        e.title.ru,
        e.summary.ru,
        e.type,
        // Undated and year-only events stay as the demo makes them; the mapping reads whole days.
        e.start_precision === 'unknown' ? null : e.start_date,
        e.region,
        e.locality,
        e.latitude,
        e.longitude,
        e.participants,
        e.detained,
        e.authorised,
        e.subject,
        e.sources[0]?.url ?? null,
        // The articles of the event's charges, as the export lists them; each becomes a case and an act.
        [...new Set(e.acts.flatMap((act) => (act.caseKind && act.article ? [act.article] : [])))].join(
          ' | ',
        ) || null,
      ]
        .map(field)
        .join(','),
    )
    if (chunk.length === 10_000 || index === events - 1) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain')
      chunk = []
    }
  }
  out.end()
  await once(out, 'finish')
  return statSync(path).size
}

/** Writes the mapping as JSON next to the data; returns its path. */
export function writeMapping(path: string): string {
  writeFileSync(path, JSON.stringify(benchMapping, null, 2))
  return path
}
