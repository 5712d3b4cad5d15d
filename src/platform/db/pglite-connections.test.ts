import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { createConnection } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { engine } from '../../../test/support/db.ts'
import { PgliteConnections } from './pglite-connections.ts'

let db: PGlite
let socketDir: string
let server: PgliteConnections
const clients: pg.Client[] = []

// Only the embedded engine has PGlite to serve: the native pass skips this.
const skip = engine !== 'pglite'

before(async () => {
  if (skip) return
  socketDir = mkdtempSync(join(tmpdir(), 'lifeline-conn-'))
  // The runner's migrated template opens in a moment; a fresh database would run initdb first.
  const template = process.env.LIFELINE_TEST_PGLITE_TEMPLATE
  if (template) cpSync(template, join(socketDir, 'data'), { recursive: true })
  db = await PGlite.create(template ? { dataDir: join(socketDir, 'data', 'pglite') } : {})
  await db.exec('CREATE TABLE notes (id serial PRIMARY KEY, body text NOT NULL)')
  server = new PgliteConnections(db, { idleHoldMs: 300 })
  await server.listen(join(socketDir, '.s.PGSQL.5432'))
})
after(async () => {
  if (skip) return
  await Promise.all(clients.map((client) => client.end().catch(() => {})))
  await server.close()
  await db.close()
  rmSync(socketDir, { recursive: true, force: true })
})

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres' })
  client.on('error', () => {})
  clients.push(client)
  await client.connect()
  return client
}

async function count(client: pg.Client, body: string): Promise<number> {
  const { rows } = await client.query('SELECT count(*)::int AS n FROM notes WHERE body = $1', [body])
  return rows[0].n
}

describe('PGlite served to several connections', { skip }, () => {
  it('keeps interleaved parameterised queries of two clients apart, each getting its own answers', async () => {
    const [a, b] = await Promise.all([connect(), connect()])
    const ask = (client: pg.Client, tag: string, n: number) =>
      client
        .query({ text: 'SELECT $1::text AS tag, $2::int * 2 AS doubled', values: [tag, n] })
        .then(({ rows }) => rows[0])
    const asked = Array.from({ length: 100 }, (_, n) => [ask(a, 'a', n), ask(b, 'b', n + 1000)]).flat()
    const answers = await Promise.all(asked)
    answers.forEach((row, i) => {
      const n = Math.floor(i / 2)
      assert.deepEqual(
        row,
        i % 2 === 0 ? { tag: 'a', doubled: n * 2 } : { tag: 'b', doubled: (n + 1000) * 2 },
      )
    })
    await Promise.all([a.end(), b.end()])
  })

  it("runs one client's transaction whole while the other writes, and rolls back only its own", async () => {
    const [a, b] = await Promise.all([connect(), connect()])
    await a.query('BEGIN')
    await a.query('INSERT INTO notes (body) VALUES ($1)', ['in a rolled-back transaction'])
    // b's write waits for a's transaction to end: it must not become part of it.
    const written = b.query('INSERT INTO notes (body) VALUES ($1)', ['beside it'])
    await sleep(50)
    assert.equal(await count(a, 'in a rolled-back transaction'), 1)
    assert.equal(await count(a, 'beside it'), 0, "b's write ran inside a's transaction")
    await a.query('ROLLBACK')
    await written
    assert.equal(await count(b, 'in a rolled-back transaction'), 0)
    assert.equal(await count(b, 'beside it'), 1)
    await Promise.all([a.end(), b.end()])
  })

  it('rolls back the transaction of a client that disconnects mid-way, and serves the others', async () => {
    const [a, b] = await Promise.all([connect(), connect()])
    await a.query('BEGIN')
    await a.query('INSERT INTO notes (body) VALUES ($1)', ['left open'])
    const waiting = count(b, 'left open')
    // The process of `a` dies: its socket closes without COMMIT, ROLLBACK or Terminate.
    ;(a as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy()
    assert.equal(await waiting, 0)
    assert.equal(db.isInTransaction(), false)
    await b.end()
  })

  it('closes an extended query a client left without Sync, so the next client is answered rightly', async () => {
    // Parse and Bind of an unnamed statement, then gone: no Sync.
    const raw = createConnection(join(socketDir, '.s.PGSQL.5432'))
    await new Promise((done) => raw.once('connect', done))
    const startup = Buffer.from('\0\0\0\0\0\x03\0\0user\0postgres\0database\0postgres\0\0', 'latin1')
    startup.writeInt32BE(startup.length, 0)
    raw.write(startup)
    await new Promise((done) => raw.once('data', done))
    const parse = message('P', Buffer.from('\0SELECT 1/0\0\0\0', 'latin1'))
    raw.write(parse)
    await sleep(50)
    raw.destroy()
    const b = await connect()
    const { rows } = await b.query('SELECT $1::int + 1 AS n', [41])
    assert.equal(rows[0].n, 42)
    await b.end()
  })

  it('undoes session settings of a connection when it ends', async () => {
    const a = await connect()
    const before = (await a.query('SHOW search_path')).rows[0].search_path
    await a.query('SET search_path TO nowhere')
    await a.end()
    const b = await connect()
    const { rows } = await b.query('SHOW search_path')
    assert.equal(rows[0].search_path, before)
    await b.end()
  })

  it('cuts a connection that keeps the database idle in a transaction while another waits', async () => {
    const [a, b] = await Promise.all([connect(), connect()])
    const cut = new Promise<Error>((done) => a.once('error', done))
    await a.query('BEGIN')
    await a.query('INSERT INTO notes (body) VALUES ($1)', ['abandoned'])
    assert.equal(await count(b, 'abandoned'), 0)
    assert.match((await cut).message, /kept the database idle/)
    await b.end()
  })

  it('refuses connections past its limit with a PostgreSQL error', async () => {
    while (server.connections > 0) await sleep(10)
    const held = await Promise.all([connect(), connect(), connect(), connect()])
    await assert.rejects(connect(), /too many clients/)
    await Promise.all(held.map((client) => client.end()))
  })
})

function message(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5)
  header.write(type)
  header.writeInt32BE(body.length + 4, 1)
  return Buffer.concat([header, body])
}
