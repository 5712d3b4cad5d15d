/**
 * An export as a stream of text chunks: read a batch of events (keyset), present and redact it, and
 * yield it a few records at a time, while the next batch is already being read. Memory holds two
 * batches whatever the export's size.
 */
import type { Db } from '../../../../platform/db/database.ts'
import { presentApiEventDetail } from '../../present/api.ts'
import { type ExportFormat, framing, record } from '../../present/export-formats.ts'
import { type ApiEventRow, eventBatches } from '../../queries/api-events.ts'
import {
  type ApiActRow,
  type ApiSourceRow,
  actsOf,
  articlesOf,
  sourcesOf,
} from '../../queries/api-related.ts'
import type { ResolvedFilter } from '../../queries/filters.ts'

/** Rows read per query. */
export const EXPORT_BATCH = 2000
/**
 * Records per yielded chunk. A chunk stays well under V8's large-object size (~128 KiB): large strings
 * live until a full collection, and a few hundred of them made the heap grow by hundreds of MiB.
 */
const CHUNK_RECORDS = 50

type Batch = {
  rows: ApiEventRow[]
  articles: Map<number, string[]>
  sources: Map<number, ApiSourceRow[]>
  acts: Map<number, ApiActRow[]>
}

/** Yields the export of every published event matching `filter`; `onBatch` hears the running count. */
export async function* exportChunks(
  db: Db,
  filter: ResolvedFilter,
  format: ExportFormat,
  options: {
    publicUrl: string
    batchSize?: number
    onBatch?: (rows: number) => Promise<void> | void
    /** CSV: start with a UTF-8 byte order mark, which some spreadsheet programs need to read UTF-8. */
    bom?: boolean
  },
): AsyncGenerator<string> {
  const framed = framing(format)
  const { separator, tail } = framed
  const head = options.bom && format === 'csv' ? `\uFEFF${framed.head}` : framed.head
  const batches = eventBatches(db, filter, options.batchSize ?? EXPORT_BATCH)
  const readBatch = async (): Promise<Batch | null> => {
    const next = await batches.next()
    if (next.done) return null
    const ids = next.value.map((row) => row.id)
    const [articles, sources, acts] = await Promise.all([
      articlesOf(db, next.value),
      sourcesOf(db, ids),
      actsOf(db, ids),
    ])
    return { rows: next.value, articles, sources, acts }
  }
  let written = 0
  let reading = readBatch()
  try {
    yield head
    for (let batch = await reading; batch; batch = await reading) {
      // The database reads the next batch while this one is turned into text.
      reading = readBatch()
      for (let start = 0; start < batch.rows.length; start += CHUNK_RECORDS) {
        const parts: string[] = []
        for (const row of batch.rows.slice(start, start + CHUNK_RECORDS)) {
          const related = {
            articles: batch.articles.get(row.id) ?? [],
            sources: batch.sources.get(row.id) ?? [],
            acts: batch.acts.get(row.id) ?? [],
          }
          parts.push(
            written > 0 ? separator : '',
            record(format, presentApiEventDetail(row, related, options.publicUrl)),
          )
          written += 1
        }
        yield parts.join('')
      }
      await options.onBatch?.(written)
    }
    yield tail
  } finally {
    // A reader that went away leaves a read in flight: let it end quietly.
    reading.catch(() => {})
  }
}
