/**
 * An export as a stream of text chunks, one per batch of events: read a batch (keyset), present and
 * redact it, yield it, and only then read the next — so memory holds one batch whatever the size.
 */
import type { Db } from '../../../platform/db/database.ts'
import { eventBatches } from '../api/event-query.ts'
import { actsOf, articlesOf, sourcesOf } from '../api/event-related.ts'
import { presentEventDetail } from '../api/present-api.ts'
import type { ResolvedFilter } from '../filters.ts'
import { type ExportFormat, framing, record } from './formats.ts'

/** Rows read per query. */
export const EXPORT_BATCH = 5000

/** Yields the export of every published event matching `filter`; `onBatch` hears the running count. */
export async function* exportChunks(
  db: Db,
  filter: ResolvedFilter,
  format: ExportFormat,
  options: { publicUrl: string; batchSize?: number; onBatch?: (rows: number) => Promise<void> | void },
): AsyncGenerator<string> {
  const { head, separator, tail } = framing(format)
  let written = 0
  yield head
  for await (const rows of eventBatches(db, filter, options.batchSize ?? EXPORT_BATCH)) {
    const ids = rows.map((row) => row.id)
    const [articles, sources, acts] = await Promise.all([
      articlesOf(db, ids),
      sourcesOf(db, ids),
      // CSV is one flat line per event; acts go only into the JSON formats.
      format === 'csv' ? new Map() : actsOf(db, ids),
    ])
    const parts: string[] = []
    for (const row of rows) {
      const event = presentEventDetail(
        row,
        {
          articles: articles.get(row.id) ?? [],
          sources: sources.get(row.id) ?? [],
          acts: acts.get(row.id) ?? [],
        },
        options.publicUrl,
      )
      parts.push(written > 0 || parts.length > 0 ? separator : '', record(format, event))
    }
    written += rows.length
    yield parts.join('')
    await options.onBatch?.(written)
  }
  yield tail
}
