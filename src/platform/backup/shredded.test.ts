/**
 * A backup holds live rows only: what was shredded or deleted before it was taken (a record's ciphertext
 * and key wraps, a removed member's wraps, sessions) is neither in its decrypted bytes nor anywhere in
 * the database restored from it (every file of an embedded data dir, every row of a native database),
 * and everything live comes back.
 */
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { gunzipSync } from 'node:zlib'
import pg from 'pg'
import PgBoss from 'pg-boss'
import sodium from 'sodium-native'
import { engine, type TestStore, testStore } from '../../../test/support/db.ts'
import { keyHolder } from '../../../test/support/factories.ts'
import { allJobs } from '../../modules.ts'
import { startSession } from '../auth/sessions.ts'
import { attachErasureKeys } from '../crypto/erasure-keys.ts'
import { randomBytes, sha256 } from '../crypto/primitives.ts'
import {
  addDeskMember,
  createDesk,
  removeDeskMember,
  sealRecord,
  shredRecord,
} from '../crypto/sealed-records.ts'
import { openStore } from '../db/database.ts'
import { installJobs, JOBS_SCHEMA } from '../jobs/queue.ts'
import { backupTo, decryptBackup, type RestoreTarget, restoreFrom } from './backup.ts'
import { MAGIC } from './format.ts'
import { LEFT_OUT_TABLES } from './left-out.ts'
import { CHUNK, encryptor, STREAM_KEY_BYTES } from './secret-stream.ts'

const passphrase = 'a long enough backup passphrase'

/** Bytes that must not be found, each with what it is. */
type Needle = { what: string; bytes: Buffer[] }

let store: TestStore
let work: string
let gone: Needle[]
let kept: Needle
let before_: Map<string, number>
let plaintext: Buffer
let triggersBefore: string
let restored: {
  rows: string
  files: Buffer[]
  counts: Map<string, number>
  triggers: string
  close(): Promise<void>
}

/** A binary value as it may appear: raw (files), COPY's hex (dumps), or its text as `t::text` shows it. */
function forms(value: Buffer): Buffer[] {
  // A stretch from the middle too: a value stored out of line is cut into chunks.
  const pieces = [value.subarray(0, 32), value.subarray(Math.max(0, value.length - 48), value.length - 16)]
  return pieces.flatMap((piece) => [piece, Buffer.from(piece.toString('hex'))])
}

const holder = (name: string) => keyHolder(store.db, name)

type Query = (text: string) => Promise<Record<string, unknown>[]>

/** Row counts of every table of every schema Lifeline uses. */
async function counts(query: Query): Promise<Map<string, number>> {
  const tables = await query(`
    SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname IN ('public', '${JOBS_SCHEMA}')`)
  const result = new Map<string, number>()
  for (const { name } of tables) {
    const [row] = await query(`SELECT count(*)::int AS n FROM ${name}`)
    result.set(String(name), Number(row?.n))
  }
  return result
}

/** Lifeline's triggers and whether each is on: a restore turns them off while loading, and on again. */
async function triggers(query: Query): Promise<string> {
  const rows = await query(`
    SELECT format('%s.%s:%s', c.relname, t.tgname, t.tgenabled) AS name FROM pg_trigger t
    JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND NOT t.tgisinternal ORDER BY 1`)
  return rows.map((row) => row.name).join('\n')
}

/** Every row of every table as text (bytea as hex). */
async function everyRow(query: Query): Promise<string> {
  const parts: string[] = []
  for (const name of (await counts(query)).keys())
    for (const row of await query(`SELECT t::text AS row FROM ${name} t`)) parts.push(String(row.row))
  return parts.join('\n')
}

function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)))
}

async function restoreTarget(): Promise<typeof restored> {
  if (engine === 'pglite') {
    const dataDir = join(work, 'restored')
    await restoreFrom(backupFile(), passphrase, { engine: 'pglite', dataDir })
    const files = filesUnder(dataDir)
    const opened = await openStore({ dataDir })
    attachErasureKeys(opened, { dataDir })
    const query: Query = async (text) => (await opened.pool.query(text)).rows
    // pg-boss makes its schema again at start (it was left out).
    await installJobs(opened.pool, allJobs())
    return {
      rows: await everyRow(query),
      files,
      counts: await counts(query),
      triggers: await triggers(query),
      close: async () => {
        await opened.close()
        rmSync(opened.serverKey.path, { force: true })
      },
    }
  }
  const admin = new URL(process.env.LIFELINE_TEST_DATABASE_URL ?? '')
  admin.pathname = '/postgres'
  const name = `restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const client = new pg.Client({ connectionString: admin.href })
  await client.connect()
  await client.query(`CREATE DATABASE ${name} TEMPLATE template0`)
  const url = new URL(admin.href)
  url.pathname = `/${name}`
  const target: RestoreTarget = { engine: 'postgres', databaseUrl: url.href }
  await restoreFrom(backupFile(), passphrase, target)
  const pool = new pg.Pool({ connectionString: url.href, max: 1 })
  // DROP DATABASE … WITH (FORCE) below may reach a connection still closing: not a test failure.
  pool.on('error', () => {})
  const query: Query = async (text) => (await pool.query(text)).rows
  return {
    rows: await everyRow(query),
    files: [],
    counts: await counts(query),
    triggers: await triggers(query),
    close: async () => {
      await pool.end()
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await client.end()
    },
  }
}

const backupFile = () => join(work, 'lifeline.llbackup')

/** An embedded backup as files were written before: PGlite's data dir, and no `contents` in the header. */
async function writeDataDirBackup(file: string): Promise<Buffer> {
  const salt = randomBytes(sodium.crypto_pwhash_SALTBYTES)
  const kdf = {
    alg: 'argon2id13',
    opslimit: sodium.crypto_pwhash_OPSLIMIT_MIN,
    memlimit: sodium.crypto_pwhash_MEMLIMIT_MIN,
    salt: salt.toString('base64'),
  }
  const key = Buffer.alloc(STREAM_KEY_BYTES)
  sodium.crypto_pwhash(key, Buffer.from(passphrase), salt, kdf.opslimit, kdf.memlimit, 2)
  const { streamHeader, encrypt } = encryptor(key)
  const cipher = {
    alg: 'xchacha20poly1305-secretstream',
    header: streamHeader.toString('base64'),
    chunk: CHUNK,
  }
  const header = { engine: 'pglite', created_at: new Date().toISOString(), kdf, cipher }
  const preamble = Buffer.from(`${MAGIC}\n${JSON.stringify(header)}\n`)
  const chunks: Buffer[] = []
  for await (const chunk of await store.dump!()) chunks.push(chunk as Buffer)
  const tarball = Buffer.concat(chunks)
  const parts: Buffer[] = [preamble]
  for await (const chunk of encrypt(Readable.from([tarball]), preamble)) parts.push(chunk)
  writeFileSync(file, Buffer.concat(parts))
  return gunzipSync(tarball)
}

before(async () => {
  store = await testStore()
  work = mkdtempSync(join(tmpdir(), 'lifeline-shredded-test-'))
  const db = store.db
  const admin = await holder('admin')
  const leaving = await holder('leaving')
  const deskId = await createDesk(db, { slug: `desk-${randomUUID()}`, name: 'Help desk' })
  for (const member of [admin, leaving])
    await addDeskMember(db, { deskId, userId: member.userId, actorId: admin.userId })
  const keptId = await sealRecord(db, { deskId, kind: 'report', content: Buffer.from('kept report') })
  const shreddedId = await sealRecord(db, {
    deskId,
    kind: 'report',
    content: Buffer.from('Shredded report: Фамилия Имя, detained at 13:17 on Lenina 5'),
  })
  const shredded = await db
    .selectFrom('sealed_records')
    .select('ciphertext')
    .where('id', '=', shreddedId)
    .executeTakeFirstOrThrow()
  const shreddedWraps = await db
    .selectFrom('record_keys')
    .select('wrapped_key')
    .where('record_id', '=', shreddedId)
    .execute()
  const leavingWrap = await db
    .selectFrom('record_keys')
    .select('wrapped_key')
    .where('record_id', '=', keptId)
    .where('user_id', '=', leaving.userId)
    .executeTakeFirstOrThrow()
  const keptRecord = await db
    .selectFrom('sealed_records')
    .select('ciphertext')
    .where('id', '=', keptId)
    .executeTakeFirstOrThrow()
  const secrets = { privateKey: admin.keyPair.privateKey.toString('base64') }
  const ended = await startSession(db, admin.userId, 'full', secrets)
  const live = await startSession(db, admin.userId, 'full', secrets)
  const sessionId = (cookie: string) => sha256(Buffer.from(cookie.split('.')[0]!, 'base64url'))
  await db.deleteFrom('sessions').where('id', '=', sessionId(ended)).execute()
  await db.insertInto('login_failures').values({ subject: 'failure-marker-4b1d' }).execute()
  await db
    .insertInto('helpdesk_spent_proofs')
    .values({ signature: 'proof-marker-77ce', expires_at: new Date() })
    .execute()
  // A job in pg-boss's tables, with its exact times.
  await installJobs(store.pool, allJobs())
  const boss = new PgBoss({
    db: { executeSql: (text, values) => store.pool.query(text, values) },
    schema: JOBS_SCHEMA,
    migrate: false,
    supervise: false,
    schedule: false,
  })
  boss.on('error', () => {})
  await boss.start()
  await boss.createQueue('backup-test')
  await boss.send('backup-test', { marker: 'job-marker-9e2a' })
  await boss.stop({ graceful: false, close: false })

  await shredRecord(db, { recordId: shreddedId, actorId: admin.userId })
  await removeDeskMember(db, { deskId, userId: leaving.userId, actorId: admin.userId })

  gone = [
    { what: "the shredded record's ciphertext", bytes: forms(shredded.ciphertext) },
    ...shreddedWraps.map((wrap, i) => ({
      what: `the shredded record's key wrap ${i + 1}`,
      bytes: forms(wrap.wrapped_key),
    })),
    { what: "the removed member's key wrap", bytes: forms(leavingWrap.wrapped_key) },
    { what: 'the ended session', bytes: [Buffer.from(sessionId(ended))] },
    { what: 'the live session', bytes: [Buffer.from(sessionId(live))] },
    { what: 'the sign-in failure', bytes: [Buffer.from('failure-marker-4b1d')] },
    { what: 'the spent proof', bytes: [Buffer.from('proof-marker-77ce')] },
    { what: "the job's data", bytes: [Buffer.from('job-marker-9e2a')] },
  ]
  kept = { what: "the kept record's ciphertext", bytes: forms(keptRecord.ciphertext) }
  before_ = await counts(async (text) => (await store.pool.query(text)).rows)
  triggersBefore = await triggers(async (text) => (await store.pool.query(text)).rows)
  // pg_dump compresses table data unless told not to; uncompressed, the rows can be searched.
  await backupTo(store, backupFile(), passphrase, { compress: false })
  plaintext = (await decryptBackup(backupFile(), passphrase)).plaintext
  restored = await restoreTarget()
})

after(async () => {
  await restored?.close()
  await store.close()
  rmSync(work, { recursive: true, force: true })
})

function found(haystack: Buffer | string, needle: Needle): boolean {
  return needle.bytes.some((bytes) =>
    typeof haystack === 'string' ? haystack.includes(bytes.toString('latin1')) : haystack.includes(bytes),
  )
}

describe(`a backup brings no shredded or deleted data back (${engine})`, () => {
  it("leaves shredded records, removed members' wraps, sessions, sign-in failures and jobs out of the backup", () => {
    assert.ok(found(plaintext, kept), 'the search should find what is live')
    for (const needle of gone) assert.ok(!found(plaintext, needle), `${needle.what} is in the backup`)
  })

  it('restores none of it, in any row', () => {
    assert.ok(found(restored.rows, kept), 'the search should find what is live')
    for (const needle of gone) assert.ok(!found(restored.rows, needle), `${needle.what} is in a restored row`)
  })

  it('restores none of it into any file of the new data dir', { skip: engine !== 'pglite' }, () => {
    assert.ok(
      restored.files.some((file) => found(file, kept)),
      'the search should find what is live',
    )
    for (const needle of gone)
      assert.ok(!restored.files.some((file) => found(file, needle)), `${needle.what} is in a restored file`)
  })

  it('brings back every live row of every table, and none of the left-out ones', () => {
    const leftOut = new Set(LEFT_OUT_TABLES.map(({ table }) => `public.${table}`))
    for (const [table, count] of before_) {
      const jobRows = table.startsWith(`${JOBS_SCHEMA}.j`) || table === `${JOBS_SCHEMA}.archive`
      if (leftOut.has(table) || jobRows) {
        assert.equal(restored.counts.get(table) ?? 0, 0, `${table} should be empty`)
        continue
      }
      // The embedded backup leaves pg-boss's schema out; pg-boss made it again (empty of jobs) at start.
      if (engine === 'pglite' && table.startsWith(`${JOBS_SCHEMA}.`)) continue
      assert.equal(restored.counts.get(table), count, `${table}: ${count} rows before`)
    }
    assert.ok((before_.get('public.sessions') ?? 0) > 0 && (before_.get('public.users') ?? 0) > 0)
  })

  it("leaves Lifeline's triggers as they were", () => {
    assert.ok(triggersBefore.includes('audit_log_append_only:O'), triggersBefore)
    assert.equal(restored.triggers, triggersBefore)
  })

  it('restores an embedded backup written before (the data dir itself) through its rows, leaving the deleted ones behind', {
    skip: engine !== 'pglite',
  }, async () => {
    const file = join(work, 'data-dir.llbackup')
    const files = await writeDataDirBackup(file)
    // What such a backup holds: the deleted rows are still in the table files it copied.
    assert.ok(found(files, gone[0]!), "the old backup should hold the shredded record's ciphertext")
    const dataDir = join(work, 'restored-from-data-dir')
    await restoreFrom(file, passphrase, { engine: 'pglite', dataDir })
    const restoredFiles = filesUnder(dataDir)
    assert.ok(
      restoredFiles.some((bytes) => found(bytes, kept)),
      'the search should find what is live',
    )
    for (const needle of gone)
      assert.ok(!restoredFiles.some((bytes) => found(bytes, needle)), `${needle.what} is in a restored file`)
    const opened = await openStore({ dataDir })
    attachErasureKeys(opened, { dataDir })
    try {
      const after = await counts(async (text) => (await opened.pool.query(text)).rows)
      assert.equal(after.get('public.users'), before_.get('public.users'))
      assert.equal(after.get('public.sealed_records'), before_.get('public.sealed_records'))
      assert.equal(after.get('public.sessions'), 0)
    } finally {
      await opened.close()
      rmSync(opened.serverKey.path, { force: true })
    }
  })
})
