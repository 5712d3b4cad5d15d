/**
 * Writes the live rows of Lifeline's tables (see rows-format.ts), through an ordinary `pg` connection:
 * one REPEATABLE READ transaction, so every table is read from the same snapshot, and COPY … TO STDOUT
 * table by table, parents before the tables that refer to them, so a restore can load them in order with
 * every foreign key checked.
 */
import type pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { isLeftOut } from './left-out.ts'
import {
  COPY_SETTINGS,
  columnList,
  END_OF_TABLE,
  type Manifest,
  qualified,
  ROWS_MAGIC,
} from './rows-format.ts'

/** The plaintext of an embedded backup, read from `pool`'s database. */
export async function* dumpRows(pool: pg.Pool): AsyncGenerator<Buffer> {
  const client = await pool.connect()
  let ended = false
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')
    for (const [name, value] of COPY_SETTINGS)
      await client.query('SELECT set_config($1, $2, true)', [name, value])
    const manifest = await readManifest(client)
    yield Buffer.from(`${ROWS_MAGIC}\n${JSON.stringify(manifest)}\n`)
    for (const table of manifest.tables) {
      const copy = client.query(
        copyTo(`COPY ${qualified(table.name)} (${columnList(table.columns)}) TO STDOUT`),
      )
      for await (const chunk of copy) yield chunk as Buffer
      yield Buffer.from(END_OF_TABLE)
    }
    await client.query('COMMIT')
    ended = true
  } finally {
    // Stopped midway (a failure here or in the writer), the connection may be mid-COPY: it is closed
    // rather than reused, which ends the transaction too.
    client.release(ended ? undefined : true)
  }
}

async function readManifest(client: pg.PoolClient): Promise<Manifest> {
  // The snapshot is taken at the first query: the counts and the copies see the same rows.
  const migrations = await client.query<{ name: string }>('SELECT name FROM kysely_migration ORDER BY name')
  const { rows: tables } = await client.query<{ name: string; columns: string[] }>(`
    SELECT c.relname AS name,
      array(SELECT a.attname::text FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        ORDER BY a.attnum) AS columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
    ORDER BY c.relname`)
  const kept = tables.filter((table) => !isLeftOut(table.name))
  const ordered = await parentsFirst(client, kept)
  const counted: Manifest['tables'] = []
  for (const table of ordered) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${qualified(table.name)}`)
    counted.push({ ...table, rows: Number(rows[0]!.n) })
  }
  // Read after the snapshot: a sequence is never behind the rows it numbered, so no id is given twice.
  const { rows: sequences } = await client.query<{ name: string; owner: string | null; value: string }>(`
    SELECT s.sequencename AS name, owner.relname AS owner, s.last_value::text AS value
    FROM pg_sequences s
    JOIN pg_class seq ON seq.relname = s.sequencename
    JOIN pg_namespace n ON n.oid = seq.relnamespace AND n.nspname = s.schemaname
    LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = seq.oid
      AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
    LEFT JOIN pg_class owner ON owner.oid = d.refobjid
    WHERE s.schemaname = 'public' AND s.last_value IS NOT NULL
    ORDER BY s.sequencename`)
  return {
    migrations: migrations.rows.map((row) => row.name),
    tables: counted,
    sequences: sequences
      .filter((sequence) => !(sequence.owner && isLeftOut(sequence.owner)))
      .map(({ name, value }) => ({ name, value })),
  }
}

/**
 * The tables ordered so that each comes after every table its foreign keys refer to (by name where there
 * is a choice). A table's reference to itself is checked at the end of its one COPY, so it doesn't count.
 */
async function parentsFirst<T extends { name: string }>(client: pg.PoolClient, tables: T[]): Promise<T[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(`
    SELECT child.relname AS child, parent.relname AS parent
    FROM pg_constraint k
    JOIN pg_class child ON child.oid = k.conrelid
    JOIN pg_class parent ON parent.oid = k.confrelid
    JOIN pg_namespace n ON n.oid = child.relnamespace
    WHERE k.contype = 'f' AND n.nspname = 'public' AND child.oid <> parent.oid`)
  const names = new Set(tables.map((table) => table.name))
  const parents = new Map<string, Set<string>>(tables.map((table) => [table.name, new Set()]))
  for (const { child, parent } of rows)
    if (names.has(child) && names.has(parent)) parents.get(child)!.add(parent)
  const placed = new Set<string>()
  const ordered: T[] = []
  while (ordered.length < tables.length) {
    const next = tables.filter(
      (table) => !placed.has(table.name) && [...parents.get(table.name)!].every((p) => placed.has(p)),
    )
    if (!next.length)
      throw new Error(
        `Tables refer to each other in a cycle (${tables
          .filter((table) => !placed.has(table.name))
          .map((table) => table.name)
          .join(', ')}); the backup can't order them.`,
      )
    for (const table of next) {
      placed.add(table.name)
      ordered.push(table)
    }
  }
  return ordered
}
