/**
 * The import command: reads a file through a mapping, checks every row, and (unless a dry run) writes
 * events in batches of multi-row upserts keyed by (external_source, external_id), so a re-import
 * updates instead of duplicating. By default it is all or nothing: one transaction, rolled back if any
 * row is invalid. With `partial`, each batch commits on its own and invalid rows are only reported.
 * A new event that looks like one already in the chronicle is a warning (a dry run finds them too)
 * and is written unpublished (see write.ts).
 */
import type { Readable } from 'node:stream'
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import { termIndex } from '../../../../platform/vocabularies/queries.ts'
import { articleFinder } from './article-notation.ts'
import { type CaseKind, convertRow, type RowIssue, type TermLookup } from './convert.ts'
import { countryNameIndex, regionCountryIndex } from './country-names.ts'
import { type Mapping, mappingWarnings } from './mapping.ts'
import { FileError, readRows } from './read.ts'
import { regionNameIndex } from './region-names.ts'
import {
  type LikelyDuplicate,
  likelyDuplicates,
  type MergedAway,
  mergedAway,
  type RowDraft,
  writeBatch,
} from './write.ts'

/** How far an import is: rows read, bytes read of the file's total. */
export type ImportProgress = { rows: number; bytes: number; totalBytes: number | null }

/** What to import and how. */
export type ImportOptions = {
  mapping: Mapping
  /** Opens the file's bytes (called once), reading through `reader`: the import's transaction, if it has one. */
  streamFile: (reader: Db) => Readable
  totalBytes?: number | null
  dryRun?: boolean
  /** Commit valid rows even if others are invalid. */
  partial?: boolean
  /** Leave a field empty (its value stays in import_raw) when its value maps to no approved term, instead of refusing the row. */
  blankUnknown?: boolean
  actorId?: string | null
  jobId?: string | null
  batchSize?: number
  onProgress?: (progress: ImportProgress) => void
}

/** A value that maps to no approved term, and how many rows carry it. */
export type UnknownTermCount = {
  field: string
  vocabulary: string
  value: string
  code: string
  count: number
}

/** The outcome of an import or a dry run. */
export type ImportReport = {
  dryRun: boolean
  partial: boolean
  rows: number
  valid: number
  invalid: number
  inserted: number
  updated: number
  unchanged: number
  /** Whether anything was committed. */
  written: boolean
  /** The first errors (up to `issueLimit`); `errorCount` has them all. */
  errors: RowIssue[]
  errorCount: number
  warnings: RowIssue[]
  warningCount: number
  unknownTerms: UnknownTermCount[]
  /** New events that look like events already in the chronicle (each also a warning): kept unpublished. */
  duplicateCount: number
  /** The file as a whole could not be read (or the database refused it): i18n key and detail. */
  fileError: { key: string; detail?: string } | null
  /** The row after which nothing more could be read (a broken quote or an oversized row). */
  stoppedAt: number | null
}

/** Rows written from which an import refreshes the planner's statistics. */
const ANALYZE_AFTER_ROWS = 5000

/** How many errors and warnings a report lists (all are counted). */
export const issueLimit = 1000

/** Approved vocabulary terms, case-insensitively by code; an article's case kind from its code (КоАП or УК). */
export async function loadImportTerms(db: Db): Promise<TermLookup> {
  const rows = Object.values((await termIndex(db)).byCode).flatMap((terms) => [...terms.values()])
  const byCode = new Map(rows.map((row) => [`${row.vocabulary}:${row.code.toLowerCase()}`, row.id]))
  const regionNames = regionNameIndex(rows)
  const kinds = new Map<number, CaseKind>()
  for (const row of rows) {
    if (row.vocabulary !== 'article') continue
    const kind = caseKind(row.code, row.extra ?? {})
    if (kind) kinds.set(row.id, kind)
  }
  return {
    // A region may also be named, in any language and common spelling (region-names.ts).
    id: (vocabulary, code) =>
      byCode.get(`${vocabulary}:${code.trim().toLowerCase()}`) ??
      (vocabulary === 'region' ? regionNames(code) : undefined),
    caseKind: (articleId) => kinds.get(articleId) ?? null,
    article: articleFinder(rows),
    country: countryNameIndex(rows),
    regionCountry: regionCountryIndex(rows),
  }
}

// The seeded articles name their code in `extra`; a term added by hand may only show it in its own code.
function caseKind(code: string, extra: Record<string, unknown>): CaseKind | null {
  if (extra.code === 'КоАП') return 'administrative'
  if (extra.code === 'УК') return 'criminal'
  if (/^koap-/i.test(code)) return 'administrative'
  if (/^uk-/i.test(code)) return 'criminal'
  return null
}

class Rollback extends Error {}

/**
 * Writes batches one at a time while the caller goes on reading the next, so the file's parsing and
 * the database's work overlap. `send` waits for the batch before; `finish` for the last one (and
 * throws its error); `settle` only waits, for the way out after an error elsewhere.
 */
function oneInFlight(write: (batch: RowDraft[]) => Promise<void>) {
  let writing: Promise<void> = Promise.resolve()
  return {
    async send(batch: RowDraft[]) {
      await writing
      writing = write(batch)
      // Awaited by the next send or by finish; until then a failure must not count as unhandled.
      writing.catch(() => {})
    },
    finish: () => writing,
    settle: () => writing.catch(() => {}),
  }
}

// The columns a mapping names must all be in the file's header (CSV only: NDJSON keys may be absent).
function checkColumns(mapping: Mapping, record: Record<string, unknown>) {
  const missing = new Set<string>()
  for (const spec of Object.values(mapping.fields)) {
    const columns = [
      ...(spec?.column ? [spec.column] : []),
      ...[...(spec?.template ?? '').matchAll(/\{([^{}]+)\}/g)].map((match) => match[1] ?? ''),
    ]
    for (const column of columns) if (!(column in record)) missing.add(column)
  }
  if (missing.size) throw new FileError('chronicle.import.error.missingColumn', [...missing].join(', '))
}

/** Runs an import (or a dry run) and reports what happened; only a bug throws. */
export async function runImport(db: Db, options: ImportOptions): Promise<ImportReport> {
  const { mapping } = options
  const batchSize = options.batchSize ?? 1000
  const report: ImportReport = {
    dryRun: !!options.dryRun,
    partial: !!options.partial,
    rows: 0,
    valid: 0,
    invalid: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    written: false,
    errors: [],
    errorCount: 0,
    // What the file as a whole deserves a look at (no stable id), before any row's own warnings.
    warnings: options.dryRun ? mappingWarnings(mapping) : [],
    warningCount: options.dryRun ? mappingWarnings(mapping).length : 0,
    unknownTerms: [],
    duplicateCount: 0,
    fileError: null,
    stoppedAt: null,
  }
  const terms = await loadImportTerms(db)
  const unknown = new Map<string, UnknownTermCount>()
  const seenIds = new Set<string>()
  let bytes = 0
  const progress = () =>
    options.onProgress?.({ rows: report.rows, bytes, totalBytes: options.totalBytes ?? null })
  const addIssues = (list: RowIssue[], issues: RowIssue[]) => {
    for (const issue of issues) if (list.length < issueLimit) list.push(issue)
  }
  // The events this import writes are told apart from those before it by their ids (see write.ts).
  const newest = await db
    .selectFrom('chronicle_events')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst()
  const context = {
    mapping,
    actorId: options.actorId ?? null,
    jobId: options.jobId ?? null,
    knownUpTo: newest?.id == null ? null : Number(newest.id),
  }

  const flag = (duplicates: LikelyDuplicate[]) => {
    report.duplicateCount += duplicates.length
    report.warningCount += duplicates.length
    addIssues(
      report.warnings,
      duplicates.map((duplicate) => ({
        row: duplicate.row ?? 0,
        // The whole row, not one of its fields: the message says what it is about.
        column: null,
        key: 'chronicle.import.warning.likelyDuplicate',
        value: String(duplicate.candidate.id),
      })),
    )
  }

  // Rows of events merged into others since: left unwritten, each pointing to its survivor.
  const skip = (merged: MergedAway[]) => {
    report.warningCount += merged.length
    addIssues(
      report.warnings,
      merged.map((row) => ({
        row: row.row ?? 0,
        column: null,
        key: 'chronicle.import.warning.mergedInto',
        value: String(row.survivor),
      })),
    )
  }

  const write = async (target: Db, batch: RowDraft[]) => {
    const counts = await writeBatch(target, batch, context)
    flag(counts.duplicates)
    skip(counts.merged)
    report.inserted += counts.inserted
    report.updated += counts.updated
    report.unchanged += counts.unchanged
  }

  // Reads every row; hands each full batch of valid events to `flush` (when given), one batch being
  // written while the next is read and checked.
  const pass = async (reader: Db, flush: ((batch: RowDraft[]) => Promise<void>) | null) => {
    let batch: RowDraft[] = []
    // A dry run writes nothing but still looks for likely duplicates, a batch at a time.
    const check = async () => {
      flag(await likelyDuplicates(reader, batch, context))
      skip(await mergedAway(reader, batch, mapping.externalSource))
      batch = []
    }
    let checked = false
    const writer = flush ? oneInFlight(flush) : null
    const rows = readRows(options.streamFile(reader), {
      format: mapping.format,
      encoding: mapping.encoding,
      delimiter: mapping.delimiter,
      onBytes: (read) => {
        bytes = read
      },
    })
    try {
      for await (const item of rows) {
        report.rows += 1
        if (report.rows % 1000 === 0) progress()
        if (item.error) {
          report.invalid += 1
          report.errorCount += 1
          addIssues(report.errors, [item.error])
          if (item.stop) report.stoppedAt = item.row
          continue
        }
        if (!checked && mapping.format === 'csv') checkColumns(mapping, item.record)
        checked = true
        const converted = convertRow(mapping, item.record, item.row, terms, {
          blankUnknown: options.blankUnknown,
        })
        report.warningCount += converted.warnings.length
        addIssues(report.warnings, converted.warnings)
        for (const term of converted.unknown) {
          const key = `${term.field}\u0000${term.code}\u0000${term.value}`
          const known = unknown.get(key)
          if (known) known.count += 1
          else unknown.set(key, { ...term, count: 1 })
        }
        const errors = [...converted.errors]
        if (converted.draft) {
          if (seenIds.has(converted.draft.externalId))
            errors.push({
              row: item.row,
              column: mapping.fields.externalId?.column ?? null,
              key: 'chronicle.import.error.duplicateId',
              value: converted.draft.externalId.slice(0, 80),
            })
          else seenIds.add(converted.draft.externalId)
        }
        if (errors.length || !converted.draft) {
          report.invalid += 1
          report.errorCount += errors.length
          addIssues(report.errors, errors)
          continue
        }
        report.valid += 1
        if (!flush) {
          batch.push({ ...converted.draft, row: item.row })
          if (batch.length >= batchSize) await check()
          continue
        }
        // All or nothing: once a row is invalid nothing will be kept, so stop writing and just check.
        if (!options.partial && report.invalid) continue
        batch.push({ ...converted.draft, row: item.row })
        if (batch.length >= batchSize) {
          await writer?.send(batch)
          batch = []
        }
      }
      if (!flush && batch.length) await check()
      if (writer && batch.length && (options.partial || !report.invalid)) await writer.send(batch)
      await writer?.finish()
    } finally {
      await writer?.settle()
    }
    progress()
  }

  try {
    if (options.dryRun) await pass(db, null)
    else if (options.partial) {
      await pass(db, async (batch) => {
        await db.transaction().execute((trx) => write(trx, batch))
        report.written = true
      })
    } else {
      await db.transaction().execute(async (trx) => {
        await pass(trx, (batch) => write(trx, batch))
        if (report.invalid) throw new Rollback()
      })
      report.written = report.valid > 0
    }
  } catch (error) {
    if (error instanceof FileError) report.fileError = { key: error.key, detail: error.detail }
    else if (!(error instanceof Rollback)) throw error
    if (!options.partial) report.written = false
  }
  if (!report.written) {
    report.inserted = 0
    report.updated = 0
    report.unchanged = 0
  }
  // After a large import the planner's statistics are stale (and the embedded database has no
  // autovacuum to refresh them): an article or a search would then be planned as if the table
  // were small. ANALYZE samples the tables; about a second at a million events. The rollups were
  // updated once per batch, each time leaving a dead copy of every row touched: at a million events
  // 16,000 live rows sat among 500,000 dead ones, and every facet count read them all until
  // autovacuum came by (the embedded database has none). A plain VACUUM frees the dead rows' space
  // but keeps the pages (38 MiB for 17,000 rows, read whole by every count), so the rollups are
  // rewritten: a fraction of a second, during which their readers wait.
  if (report.inserted + report.updated >= ANALYZE_AFTER_ROWS) {
    await sql`ANALYZE chronicle_events, chronicle_sources, chronicle_acts, chronicle_case_articles`.execute(
      db,
    )
    await sql`VACUUM (FULL, ANALYZE) chronicle_rollup, chronicle_article_rollup`.execute(db)
  }
  report.unknownTerms = [...unknown.values()].sort((a, b) => b.count - a.count)
  return report
}
