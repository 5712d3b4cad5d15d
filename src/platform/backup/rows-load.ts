/**
 * Loads an embedded backup's rows (rows-format.ts) into a new, empty PGlite: its schema is made by
 * running the backup's own migrations, then every table is loaded with COPY in one transaction, in the
 * dump's order (parents first, so every foreign key is checked as rows arrive), the sequences set, and
 * every table's count checked against the manifest. Nothing of the old database's files comes along.
 *
 * Triggers are Lifeline's own bookkeeping (rollups, tallies, the membership version, the audit log's
 * guard): the rows they maintain are in the backup already, so they are off while loading.
 */
import type { PGlite } from '@electric-sql/pglite'
import { migrateTo, served } from './in-process.ts'
import { MIGRATION_TABLES } from './left-out.ts'
import {
  COPY_SETTINGS,
  columnList,
  damagedRows,
  END_OF_TABLE,
  LineReader,
  type Manifest,
  qualified,
  readManifest,
} from './rows-format.ts'

/** Rows are handed to COPY in pieces of about this many bytes, so a large table never sits whole in memory. */
const PIECE_BYTES = 8 * 1024 * 1024

/** Migrates `pglite` (new and empty) to the backup's schema and loads its rows; throws before COMMIT on any doubt. */
export async function loadRows(pglite: PGlite, source: AsyncIterable<Buffer>): Promise<Manifest> {
  const lines = new LineReader(source)
  const manifest = await readManifest(lines)
  await pglite.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm')
  await served(pglite, (_pool, db) => migrateTo(db, manifest.migrations))
  await pglite.exec('BEGIN')
  try {
    for (const [name, value] of COPY_SETTINGS)
      await pglite.query('SELECT set_config($1, $2, true)', [name, value])
    const tables = await tablesOf(pglite)
    const triggers = await enabledTriggers(pglite)
    for (const { table, trigger } of triggers)
      await pglite.exec(`ALTER TABLE ${qualified(table)} DISABLE TRIGGER ${columnList([trigger])}`)
    // Migrations may have added rows (vocabularies, templates): the backup's replace them.
    if (tables.length) await pglite.exec(`TRUNCATE ${tables.map(qualified).join(', ')}`)
    const whole = await selfReferring(pglite)
    for (const table of manifest.tables) await loadTable(pglite, lines, table, whole.has(table.name))
    if ((await lines.next()) !== null) throw damagedRows('there is more after its last table')
    for (const { name, value } of manifest.sequences)
      await pglite.query('SELECT setval($1::regclass, $2::bigint, true)', [qualified(name), value])
    for (const { table, trigger } of triggers)
      await pglite.exec(`ALTER TABLE ${qualified(table)} ENABLE TRIGGER ${columnList([trigger])}`)
    for (const table of manifest.tables) {
      const { rows } = await pglite.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${qualified(table.name)}`,
      )
      if (rows[0]?.n !== table.rows)
        throw damagedRows(`${table.name} has ${rows[0]?.n} rows after loading, not ${table.rows}`)
    }
    await pglite.exec('COMMIT')
  } catch (error) {
    await pglite.exec('ROLLBACK').catch(() => {})
    throw error
  }
  return manifest
}

async function loadTable(
  pglite: PGlite,
  lines: LineReader,
  table: Manifest['tables'][number],
  whole: boolean,
): Promise<void> {
  const statement = `COPY ${qualified(table.name)} (${columnList(table.columns)}) FROM '/dev/blob'`
  let loaded = 0
  let piece: Buffer[] = []
  let bytes = 0
  const flush = async () => {
    if (!piece.length) return
    const result = await pglite.query(statement, [], { blob: new Blob(piece as Uint8Array<ArrayBuffer>[]) })
    loaded += result.affectedRows ?? 0
    piece = []
    bytes = 0
  }
  for (;;) {
    const line = await lines.next()
    if (!line) throw damagedRows(`it ends inside table ${table.name}`)
    if (line.length === END_OF_TABLE.length && line.toString() === END_OF_TABLE) break
    piece.push(line)
    bytes += line.length
    // A table that refers to itself goes in one COPY: its keys are checked at the statement's end.
    if (bytes >= PIECE_BYTES && !whole) await flush()
  }
  await flush()
  if (loaded !== table.rows) throw damagedRows(`${table.name} has ${loaded} rows, not ${table.rows}`)
}

// Every table of schema public but Kysely's own, which the migrations just filled.
async function tablesOf(pglite: PGlite): Promise<string[]> {
  const { rows } = await pglite.query<{ name: string }>(`
    SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`)
  return rows.map((row) => row.name).filter((name) => !MIGRATION_TABLES.includes(name))
}

// Lifeline's own triggers on schema public that are on (foreign keys' internal ones stay on).
async function enabledTriggers(pglite: PGlite): Promise<{ table: string; trigger: string }[]> {
  const { rows } = await pglite.query<{ table: string; trigger: string }>(`
    SELECT c.relname AS table, t.tgname AS trigger FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal AND t.tgenabled = 'O' ORDER BY 1, 2`)
  return rows
}

async function selfReferring(pglite: PGlite): Promise<Set<string>> {
  const { rows } = await pglite.query<{ name: string }>(`
    SELECT DISTINCT c.relname AS name FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
    WHERE k.contype = 'f' AND k.conrelid = k.confrelid`)
  return new Set(rows.map((row) => row.name))
}
