/**
 * Serves one PGlite to a handful of PostgreSQL connections on a unix socket: the server's own pool, and
 * commands (`lifeline user invite`) run while it serves.
 *
 * PGlite is a single session. Messages of two connections may not interleave: a Parse/Bind/Execute/Sync
 * split by another client's Parse loses its unnamed statement and portal, and a statement slipped into
 * another connection's transaction becomes part of it. (pglite-socket's own server queues message by
 * message and only keeps explicit transactions together, so it is not used.) Here a connection gets the
 * database from its first message until PGlite answers ReadyForQuery 'I' (idle): its Sync or simple query
 * done outside a transaction, or its transaction ended. Others wait their turn, first come first served.
 *
 * Rules that follow from one shared session:
 * - Session state is shared. Lifeline sets none: pg-boss's settings are SET LOCAL, Kysely's migration
 *   lock timeout is set_config(…, true), both ending with their transaction. Session-level advisory locks
 *   are held by the one session, so they exclude nothing (the migrator's runs are kept apart by this
 *   turn-taking instead: each run is one transaction). When a connection ends, its unfinished extended
 *   query is closed with a Sync, its transaction rolled back, and `RESET ALL` undoes any SET it made.
 *   (DISCARD ALL would also drop the other connections' prepared statements and temporary tables.)
 * - A connection that holds the database doing nothing while another waits is cut after IDLE_HOLD_MS,
 *   its transaction rolled back: a command left suspended mid-transaction must not stop the site.
 * - COPY FROM STDIN, LISTEN/NOTIFY and cancel requests are not supported (PGlite has no backend to signal).
 */
import { rmSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'

/** Connections at once: the server's pool of one, a few commands beside it. More are refused. */
export const MAX_CONNECTIONS = 4
/** How long a connection may keep the database idle (mid-transaction) while another waits for it. */
export const IDLE_HOLD_MS = 60_000

const SSL_REQUEST = 80877103
const GSS_REQUEST = 80877104
const CANCEL_REQUEST = 80877102
const PROTOCOL_3 = 196608
/** A startup packet is a few names and values; anything longer is not PostgreSQL speaking. */
const MAX_STARTUP = 10_000
const SYNC = Buffer.from([0x53, 0, 0, 0, 4])

/** Whose turn it is with the database, and who waits. */
class Turns {
  owner: object | null = null
  private waiting: Array<{ who: object; done: (granted: boolean) => void }> = []

  /** Resolves true once `who` has the database; false if it stopped waiting (cancel). */
  take(who: object): Promise<boolean> {
    if (this.owner === who) return Promise.resolve(true)
    if (this.owner === null) {
      this.owner = who
      return Promise.resolve(true)
    }
    return new Promise((done) => this.waiting.push({ who, done }))
  }

  get someoneWaits(): boolean {
    return this.waiting.length > 0
  }

  give(who: object): void {
    if (this.owner !== who) return
    const next = this.waiting.shift()
    this.owner = next?.who ?? null
    next?.done(true)
  }

  cancel(who: object): void {
    const index = this.waiting.findIndex((entry) => entry.who === who)
    if (index >= 0) this.waiting.splice(index, 1)[0]?.done(false)
  }
}

/** The PGlite server on a unix socket (see the header). */
export class PgliteConnections {
  private readonly turns = new Turns()
  private readonly open = new Set<Connection>()
  private server: Server | null = null

  readonly db: PGlite
  private readonly options: { maxConnections?: number; idleHoldMs?: number }

  constructor(db: PGlite, options: { maxConnections?: number; idleHoldMs?: number } = {}) {
    this.db = db
    this.options = options
  }

  /** Listens on `path` (a stale socket file there is removed first: the caller holds the data dir). */
  async listen(path: string): Promise<void> {
    rmSync(path, { force: true })
    const server = createServer((socket) => this.accept(socket))
    this.server = server
    await new Promise<void>((done, fail) => {
      server.once('error', fail)
      server.listen(path, () => {
        server.off('error', fail)
        done()
      })
    })
  }

  /** How many connections are open (ended ones leave once their session is cleaned up). */
  get connections(): number {
    return this.open.size
  }

  /** Runs `work` with the database to itself, between other connections' turns (a backup's copy). */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
    const me = {}
    await this.turns.take(me)
    try {
      return await work()
    } finally {
      this.turns.give(me)
    }
  }

  /** Stops listening and ends every connection, rolling back what they left open. */
  async close(): Promise<void> {
    const server = this.server
    this.server = null
    const closed = server ? new Promise((done) => server.close(done)) : Promise.resolve()
    await Promise.all([...this.open].map((connection) => connection.end()))
    await closed
  }

  private accept(socket: Socket): void {
    if (!this.server || this.open.size >= (this.options.maxConnections ?? MAX_CONNECTIONS)) {
      socket.end(
        errorResponse(
          '53300',
          'sorry, too many clients already (Lifeline serves its embedded database to a few at a time)',
        ),
      )
      return
    }
    const connection: Connection = new Connection(socket, this, this.turns, () =>
      this.open.delete(connection),
    )
    this.open.add(connection)
  }

  /** Runs one message for `owner`; returns the ReadyForQuery status it ended with, if it ended with one. */
  async run(message: Buffer, write: (data: Buffer) => void): Promise<string | null> {
    let tail = Buffer.alloc(0)
    await this.db.runExclusive(() =>
      this.db.execProtocolRawStream(new Uint8Array(message), {
        onRawData: (data) => {
          // A view into PGlite's memory: copied before the next message overwrites it.
          const copy = Buffer.from(data)
          write(copy)
          tail = Buffer.concat([tail, copy]).subarray(-6)
        },
      }),
    )
    const readyForQuery = tail.length === 6 && tail[0] === 0x5a && tail.readInt32BE(1) === 5
    return readyForQuery ? String.fromCharCode(tail[5]!) : null
  }

  /** What a connection that ends on its turn leaves behind: an open extended query, a transaction, SETs. */
  async cleanUp(): Promise<void> {
    // Harmless when no extended query is open: PGlite answers ReadyForQuery.
    await this.run(SYNC, () => {})
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK')
    await this.db.exec('RESET ALL')
  }

  get idleHoldMs(): number {
    return this.options.idleHoldMs ?? IDLE_HOLD_MS
  }
}

/** One client: reads its messages, runs them on its turn, writes PGlite's answers back. */
class Connection {
  private buffer = Buffer.alloc(0)
  private started = false
  private readonly queue: Buffer[] = []
  private pumping: Promise<void> = Promise.resolve()
  private running = false
  private ended = false
  private idle: NodeJS.Timeout | undefined
  private done: Promise<void> | undefined

  private readonly socket: Socket
  private readonly server: PgliteConnections
  private readonly turns: Turns
  private readonly onEnd: () => void

  constructor(socket: Socket, server: PgliteConnections, turns: Turns, onEnd: () => void) {
    this.socket = socket
    this.server = server
    this.turns = turns
    this.onEnd = onEnd
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('error', () => this.end())
    socket.on('close', () => this.end())
  }

  /** Ends the connection; on its turn, cleans up and hands the database on. */
  end(): Promise<void> {
    if (!this.done) {
      this.ended = true
      clearTimeout(this.idle)
      this.socket.destroy()
      this.turns.cancel(this)
      // A message running now finishes first; then the session is put back in order.
      this.done = this.pumping.then(() => this.finish())
    }
    return this.done
  }

  // Every connection's end takes a turn: a SET it made outside a transaction outlived its own turn.
  private async finish(): Promise<void> {
    await this.turns.take(this)
    try {
      await this.server.cleanUp()
    } catch {
      // The database itself failed: nothing more to undo from here.
    } finally {
      this.turns.give(this)
      this.onEnd()
    }
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk])
    while (!this.ended) {
      const message = this.started ? this.typedMessage() : this.startupMessage()
      if (!message) break
      this.queue.push(message)
    }
    this.pump()
  }

  // Before startup: SSL and GSS requests (answered 'N': a unix socket needs neither), a cancel request
  // (nothing to cancel), then the startup packet itself, which PGlite answers.
  private startupMessage(): Buffer | null {
    if (this.buffer.length < 8) return null
    const length = this.buffer.readInt32BE(0)
    if (length < 8 || length > MAX_STARTUP) return this.refuse('08P01', 'invalid startup packet length')
    if (this.buffer.length < length) return null
    const code = this.buffer.readInt32BE(4)
    const message = this.buffer.subarray(0, length)
    this.buffer = this.buffer.subarray(length)
    if (code === SSL_REQUEST || code === GSS_REQUEST) {
      this.socket.write('N')
      return this.startupMessage()
    }
    if (code === CANCEL_REQUEST) return this.refuse(null, '')
    if (code !== PROTOCOL_3) return this.refuse('08P01', 'unsupported frontend protocol')
    this.started = true
    return Buffer.from(message)
  }

  private typedMessage(): Buffer | null {
    if (this.buffer.length < 5) return null
    const length = this.buffer.readInt32BE(1)
    if (length < 4) return this.refuse('08P01', 'invalid message length')
    if (this.buffer.length < length + 1) return null
    const message = Buffer.from(this.buffer.subarray(0, length + 1))
    this.buffer = this.buffer.subarray(length + 1)
    // Terminate: PGlite would ignore it; the session is cleaned up as the connection ends.
    if (message[0] === 0x58) return this.refuse(null, '')
    return message
  }

  private refuse(code: string | null, text: string): null {
    if (code) this.socket.write(errorResponse(code, text))
    void this.end()
    return null
  }

  private pump(): void {
    if (this.running) return
    this.running = true
    this.pumping = this.runQueue()
      .catch((error: unknown) => {
        // PGlite refused the message outright (a startup packet it can't read): end this connection only.
        if (!this.ended) this.socket.write(errorResponse('08P01', String(error)))
        void this.end()
      })
      .finally(() => {
        this.running = false
      })
  }

  private async runQueue(): Promise<void> {
    while (this.queue.length > 0 && !this.ended) {
      if (!(await this.turns.take(this)) || this.ended) return
      clearTimeout(this.idle)
      const message = this.queue.shift()!
      const status = await this.server.run(message, (data) => {
        if (!this.ended) this.socket.write(data)
      })
      if (status === 'I') this.turns.give(this)
      else this.watchIdle()
    }
  }

  // Holding the database between messages (mid-transaction, mid-query) is fine until someone waits.
  private watchIdle(): void {
    clearTimeout(this.idle)
    this.idle = setTimeout(() => {
      if (this.turns.owner !== this || this.queue.length > 0) return
      if (!this.turns.someoneWaits) return this.watchIdle()
      this.socket.write(
        errorResponse(
          '25P03',
          'terminating connection: it kept the database idle while others waited',
          'FATAL',
        ),
      )
      void this.end()
    }, this.server.idleHoldMs)
  }
}

/** A PostgreSQL ErrorResponse message, which `pg` reports as an error with this code and text. */
function errorResponse(code: string, message: string, severity = 'FATAL'): Buffer {
  const fields = Buffer.concat([
    field('S', severity),
    field('V', severity),
    field('C', code),
    field('M', message),
    Buffer.from([0]),
  ])
  const header = Buffer.alloc(5)
  header.write('E')
  header.writeInt32BE(fields.length + 4, 1)
  return Buffer.concat([header, fields])
}

function field(type: string, value: string): Buffer {
  return Buffer.concat([Buffer.from(type), Buffer.from(value), Buffer.from([0])])
}
