/**
 * What the server does with clients that misbehave at the connection level, on a real listening server
 * with real sockets: one that hangs up while its request waits for the database, one that sends its
 * request a byte at a time.
 */
import assert from 'node:assert/strict'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { connect, type Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'kysely'
import { sessionCookieName } from '../src/platform/auth/sessions.ts'
import { logCapture } from './support/log.ts'
import { startTestServer, type TestServer } from './support/server.ts'

const log = logCapture()
let server: TestServer
let port: number
before(async () => {
  // Deadlines of a second or less, so a slow client is cut off within the test.
  server = await startTestServer({
    logStream: log.stream,
    timeouts: { headersMs: 500, requestMs: 1000, checkEveryMs: 50 },
  })
  port = Number(new URL(server.url).port)
})
after(() => server.close())

/** Runs `work` while every query that reads the sessions table waits (on both engines). */
async function withSessionsLocked(work: () => Promise<void>) {
  let release!: () => void
  const released = new Promise<void>((done) => (release = done))
  let locked!: () => void
  const isLocked = new Promise<void>((done) => (locked = done))
  // On the embedded database this also holds its one connection, so every query waits.
  const holding = server.store.db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE sessions IN ACCESS EXCLUSIVE MODE`.execute(trx)
    locked()
    await released
  })
  await isLocked
  try {
    await work()
  } finally {
    release()
    await holding
  }
}

/** Resolves with the server's side of the next request it receives. */
function nextRequest(): Promise<{ request: IncomingMessage; response: ServerResponse }> {
  return new Promise((done) =>
    server.app.server.once('request', (request, response) => done({ request, response })),
  )
}

// A session cookie of the right shape, so reading the session queries the database.
const sessionCookie = `${sessionCookieName(false)}=${'a'.repeat(43)}.${'b'.repeat(43)}`

describe('a client that hangs up while its request waits for the database', () => {
  const requests = {
    'a page': `GET /chronicle HTTP/1.1\r\nHost: x\r\nCookie: ${sessionCookie}\r\n\r\n`,
    // No body: one the server has yet to read when the client hangs up is never read, nor answered.
    'a sign-in (its own rate limit)': `POST /login HTTP/1.1\r\nHost: x\r\nCookie: ${sessionCookie}\r\nContent-Length: 0\r\n\r\n`,
  }
  for (const [what, text] of Object.entries(requests)) {
    it(`leaves no error in the log: ${what}`, async () => {
      const before = log.errors().length
      let answered: ServerResponse | undefined
      await withSessionsLocked(async () => {
        const arrived = nextRequest()
        const client = connect(port, '127.0.0.1')
        client.write(text)
        const { request, response } = await arrived
        const gone = new Promise((done) => request.socket.once('close', done))
        client.destroy()
        await gone
        answered = response
      })
      // The request goes on once the database answers; wait until it has been answered (to no one).
      while (!answered!.writableEnded) await sleep(10)
      assert.deepEqual(
        log
          .errors()
          .slice(before)
          .map((line) => line.err?.message ?? line.msg),
        [],
      )
    })
  }
})

/**
 * Sends `head` and then `trickle` a byte at a time; resolves with what came back and how much was left
 * unsent when the server closed the connection. Closing with bytes of ours still unread, the server may
 * reset the connection, and the reset may overtake its answer: then the answer is empty.
 */
function sendSlowly(head: string, trickle: string, everyMs: number) {
  return new Promise<{ answer: string; unsent: number }>((done, fail) => {
    const client: Socket = connect(port, '127.0.0.1')
    let answer = ''
    let sent = 0
    let timer: NodeJS.Timeout | undefined
    client.on('data', (chunk) => {
      answer += chunk
      clearInterval(timer)
    })
    client.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'ECONNRESET' && error.code !== 'EPIPE') fail(error)
    })
    client.on('close', () => {
      clearInterval(timer)
      done({ answer, unsent: trickle.length - sent })
    })
    client.write(head, () => {
      timer = setInterval(() => {
        if (sent < trickle.length && !client.destroyed) client.write(trickle[sent++]!)
        // Sent in full: the server answers as it will; the client waits for it to close.
        if (sent === trickle.length) client.end()
      }, everyMs)
    })
  })
}

/** The answer was a 408, or a reset that overtook it. */
const timedOut = (answer: string) => answer === '' || /^HTTP\/1\.1 408 /.test(answer)

describe('a client that sends its request a byte at a time', () => {
  it('is answered 408 and cut off before its body is complete', async () => {
    // 400 bytes at one every 50 ms take 20 s; the deadline for the whole request is 1 s.
    const body = `email=${'a'.repeat(394)}`
    const head =
      'POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
      `Content-Length: ${body.length}\r\n\r\n`
    const { answer, unsent } = await sendSlowly(head, body, 50)
    assert.ok(timedOut(answer), answer)
    assert.ok(unsent > 0, 'cut off before the whole body was sent')
  })

  it('is answered 408 and cut off before its headers are complete', async () => {
    const { answer, unsent } = await sendSlowly(
      'GET / HTTP/1.1\r\nHost: x\r\n',
      `X-Slow: ${'a'.repeat(392)}\r\n\r\n`,
      50,
    )
    assert.ok(timedOut(answer), answer)
    assert.ok(unsent > 0, 'cut off before the headers were all sent')
  })

  it('leaves the server answering others', async () => {
    const response = await fetch(`${server.url}/healthz`)
    assert.equal(response.status, 200)
  })
})
