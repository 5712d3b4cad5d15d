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
  server = new PgliteConnections(db, { idleHoldMs: 5_000 })
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
    const a = await rawClient()
    const b = await connect()
    for (let n = 0; n < 5; n++) {
      // a's Parse arrives alone; b's whole query arrives before a's Bind, Execute and Sync.
      const echoed = a.slowEcho(`a-${n}`, () => b.query('SELECT $1::int * 3 AS tripled', [n]))
      const [echo, tripled] = await echoed
      assert.equal(echo, `a-${n}`)
      assert.deepEqual(tripled.rows, [{ tripled: n * 3 }])
    }
    a.end()
    await b.end()
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

function cstring(text: string): Buffer {
  return Buffer.from(`${text}\0`)
}

/**
 * A client speaking the protocol by hand, to send an extended query in two writes: Parse of
 * `SELECT $1::text`, then, once `between` has been started on another connection, Bind, Execute and Sync.
 */
async function rawClient(): Promise<{
  slowEcho<T>(text: string, between: () => Promise<T>): Promise<[string, T]>
  end(): void
}> {
  const socket = createConnection(join(socketDir, '.s.PGSQL.5432'))
  let buffer = Buffer.alloc(0)
  let waiter: (() => void) | undefined
  socket.on('data', (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    waiter?.()
  })
  // Reads messages up to ReadyForQuery; returns the first column of the first row, or the error.
  const untilReady = async (): Promise<string> => {
    let answer = ''
    for (;;) {
      while (buffer.length < 5 || buffer.length < buffer.readInt32BE(1) + 1)
        await new Promise<void>((done) => (waiter = done))
      const type = String.fromCharCode(buffer[0]!)
      const body = buffer.subarray(5, buffer.readInt32BE(1) + 1)
      buffer = buffer.subarray(body.length + 5)
      if (type === 'D' && !answer) answer = body.subarray(6, 6 + body.readInt32BE(2)).toString()
      if (type === 'E') answer = `error: ${body.toString('latin1')}`
      if (type === 'Z') return answer
    }
  }
  await new Promise((done) => socket.once('connect', done))
  const startup = Buffer.concat([
    Buffer.alloc(8),
    cstring('user'),
    cstring('postgres'),
    cstring('database'),
    cstring('postgres'),
    Buffer.from([0]),
  ])
  startup.writeInt32BE(startup.length, 0)
  startup.writeInt32BE(196608, 4)
  socket.write(startup)
  await untilReady()
  return {
    async slowEcho(text, between) {
      socket.write(
        message('P', Buffer.concat([cstring(''), cstring('SELECT $1::text AS echo'), Buffer.from([0, 0])])),
      )
      await sleep(20)
      // Not awaited: here it waits for this client's Sync; run in between, it would finish first.
      const other = between()
      await sleep(100)
      const value = Buffer.from(text)
      const length = Buffer.alloc(4)
      length.writeInt32BE(value.length)
      const bind = Buffer.concat([
        cstring(''),
        cstring(''),
        Buffer.from([0, 0, 0, 1]),
        length,
        value,
        Buffer.from([0, 0]),
      ])
      socket.write(
        Buffer.concat([
          message('B', bind),
          message('E', Buffer.concat([cstring(''), Buffer.alloc(4)])),
          message('S', Buffer.alloc(0)),
        ]),
      )
      return [await untilReady(), await other]
    },
    end() {
      socket.destroy()
    },
  }
}
