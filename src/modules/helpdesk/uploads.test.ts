import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import type { AddressInfo } from 'node:net'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import sharp from 'sharp'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff } from '../../../test/support/factories.ts'
import { multipartBody, type Part } from '../../../test/support/multipart.ts'
import { type App, buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { photoAdmissionOf } from '../../platform/intake/photos.ts'
import { helpdeskWith } from './testing/desk-setup.ts'
import { formToken } from './testing/forms.ts'

// The server as it runs, listening on loopback (where every writer behind an onion service comes from),
// with one decode place, so a line of four, and 4 MiB of photo memory: small enough for a test's flood.
let store: TestStore
let app: App
let base: string
const logged: string[] = []

before(async () => {
  store = await testStore()
  const admin = await createStaff(store.db, { roles: ['admin'] })
  const lawyer = await createStaff(store.db, { roles: ['lawyer'] })
  await helpdeskWith(store.db, admin.id, [lawyer.id])
  const stream = new PassThrough()
  stream.on('data', (chunk: Buffer) => logged.push(...chunk.toString().split('\n').filter(Boolean)))
  const env = loadEnv({
    LIFELINE_DATA_DIR: store.dataDir,
    LIFELINE_PHOTO_DECODES: '1',
    LIFELINE_UPLOAD_MEMORY_MB: '4',
    LOG_LEVEL: 'warn',
  })
  app = await buildApp({ store, env, logStream: stream })
  await app.listen({ host: '127.0.0.1', port: 0 })
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
})
// Posts still sending (when a refusal did not come) are cut, so the server can close.
const open = new Set<ReturnType<typeof request>>()
after(async () => {
  for (const outgoing of open) outgoing.destroy()
  app.server.closeAllConnections()
  await app.close()
  await store.close()
})

type Answer = { status: number; retryAfter?: string; body: string }
type Post = { body: Buffer; headers: Record<string, string> }

/** A writer's post of the detained form: opened first, then its answers and `photos`, contact last. */
async function report(who: string, photos: Buffer[], options: { csrf?: string } = {}): Promise<Post> {
  const form = await fetch(`${base}/help/detained`, { headers: { 'accept-language': 'en' } })
  const page = await form.text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  assert.ok(csrf)
  const parts: Part[] = [
    { name: '_csrf', value: options.csrf ?? csrf },
    { name: 'token', value: formToken(page) },
    { name: 'who', value: who },
    ...photos.map((value, i) => ({ name: 'photo', filename: `IMG_${i}.png`, type: 'image/png', value })),
    // A browser sends the empty file input too.
    ...(photos.length ? [] : [{ name: 'photo', filename: '', type: 'application/octet-stream', value: '' }]),
    { name: 'contact', value: `contact of ${who}` },
  ]
  const { body, type } = multipartBody(parts)
  const cookie = form.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  return { body, headers: { cookie, 'content-type': type, 'accept-language': 'en' } }
}

/**
 * Starts a post over its own connection with the first `sent` bytes of its body; `finish` sends the
 * rest. The answer may come before the rest is sent.
 */
function begin(post: Post, sent = post.body.length): { answer: Promise<Answer>; finish(): void } {
  let outgoing: ReturnType<typeof request> | undefined
  const answer = new Promise<Answer>((done, fail) => {
    outgoing = request(
      `${base}/help/detained`,
      { method: 'POST', agent: false, headers: { ...post.headers, 'content-length': post.body.length } },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          const retryAfter = response.headers['retry-after']
          done({ status: response.statusCode ?? 0, retryAfter, body: Buffer.concat(chunks).toString() })
        })
      },
    )
    outgoing.on('error', fail)
    outgoing.on('close', () => open.delete(outgoing!))
    open.add(outgoing)
    outgoing.write(post.body.subarray(0, sent))
  })
  // A post cut by the test's end is no failure of its own.
  answer.catch(() => {})
  return { answer, finish: () => outgoing?.end(post.body.subarray(sent)) }
}

/** Sends a post whole and waits for its answer. */
function send(post: Post): Promise<Answer> {
  const started = begin(post)
  started.finish()
  return started.answer
}

async function stored(): Promise<{ reports: number; files: number }> {
  const count = async (table: 'helpdesk_reports' | 'helpdesk_files') =>
    Number(
      (
        await store.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return { reports: await count('helpdesk_reports'), files: await count('helpdesk_files') }
}

async function until(condition: () => boolean, what: string) {
  for (let i = 0; i < 1000 && !condition(); i++) await sleep(10)
  assert.ok(condition(), what)
}

const png = (width: number, color: string) =>
  sharp({ create: { width, height: width, channels: 3, background: color } })
    .png()
    .toBuffer()
// About a megabyte each: noise does not compress.
const noisy = () =>
  sharp({
    create: {
      width: 600,
      height: 600,
      channels: 3,
      background: '#808080',
      noise: { type: 'gaussian', mean: 128, sigma: 60 },
    },
  })
    .png()
    .toBuffer()

describe('a flood of reports with photos', () => {
  it('tells some to send again in a minute, stores none of those, and takes the next one', {
    timeout: 120_000,
  }, async () => {
    // 6 megapixels each: half a second or more to decode, while eight posts of 400 kB arrive in milliseconds.
    const photos = await Promise.all(['#a33', '#3a3', '#33a'].map((color) => png(2500, color)))
    const before = await stored()
    const posts = await Promise.all(Array.from({ length: 8 }, (_, i) => report(`Flood ${i}`, photos)))
    const answers = await Promise.all(posts.map((post) => send(post)))
    const accepted = answers.filter((answer) => answer.status === 201)
    const refused = answers.filter((answer) => answer.status === 503)
    assert.equal(accepted.length + refused.length, 8, `statuses: ${answers.map((a) => a.status)}`)
    assert.ok(refused.length >= 1, 'some are told to send again')
    assert.ok(accepted.length >= 2, 'the one decoding and those in line are taken')
    answers.forEach((answer, i) => {
      if (answer.status !== 503) return
      assert.equal(answer.retryAfter, '60')
      assert.match(answer.body, /Too many reports with photos are arriving right now/)
      assert.ok(answer.body.includes(`Flood ${i}`) && answer.body.includes(`contact of Flood ${i}`))
    })
    // Each report taken is stored whole, with its three photos; none of the others is stored at all.
    const after = await stored()
    assert.equal(after.reports - before.reports, accepted.length)
    assert.equal(after.files - before.files, 3 * accepted.length)
    assert.equal((await send(await report('After the flood', photos))).status, 201)
    await until(() => photoAdmissionOf(app)?.memory.held === 0, 'the photo memory is given back')
    assert.deepEqual(
      logged.filter((line) => JSON.parse(line).level >= 50),
      [],
    )
  })

  it('turns photos away unread while the photo memory is taken, and never a report without photos', {
    timeout: 120_000,
  }, async () => {
    const admission = photoAdmissionOf(app)
    assert.ok(admission, 'the server admits photos within a memory budget')
    const before = await stored()
    // A writer on a slow connection holds 3 MB of the 4 MiB while sending them.
    const slow = begin(await report('Slow', await Promise.all([noisy(), noisy(), noisy()])), 1_500_000)
    await until(() => admission.memory.held > 0, 'the slow report holds its share')
    const refused = await send(await report('Crowded', [await noisy(), await noisy()]))
    assert.equal(refused.status, 503)
    assert.equal(refused.retryAfter, '60')
    // Its photos were not read, but the answers after them were.
    assert.ok(refused.body.includes('Crowded') && refused.body.includes('contact of Crowded'))
    assert.equal((await send(await report('Words only', []))).status, 201)
    assert.ok(admission.memory.peak <= 4 * 1024 * 1024)
    slow.finish()
    assert.equal((await slow.answer).status, 201)
    const after = await stored()
    assert.deepEqual(after, { reports: before.reports + 2, files: before.files + 3 })
    await until(() => admission.memory.held === 0, 'the photo memory is given back')
    assert.equal((await send(await report('Crowded again', [await noisy(), await noisy()]))).status, 201)
  })
})

describe('a forged post', () => {
  it('is refused at its first photo, before the rest of its 30 MB is even sent', {
    timeout: 30_000,
  }, async () => {
    const before = await stored()
    const photos = [
      randomBytes(10 * 1024 * 1024),
      randomBytes(10 * 1024 * 1024),
      randomBytes(10 * 1024 * 1024),
    ]
    const forged = await report('Forged', photos, { csrf: 'x'.repeat(43) })
    const started = begin(forged, 1024 * 1024)
    const answer = await started.answer
    assert.equal(answer.status, 403)
    assert.equal(photoAdmissionOf(app)?.memory.held, 0, 'no photo memory was taken')
    // A token that comes only after the photo counts for nothing either.
    const late = await report('Late token', [await png(64, '#000')])
    const [csrf, token, who, photo, ...rest] = late.body.toString('latin1').split(/(?=------lifeline)/)
    const reordered = { ...late, body: Buffer.from([token, who, photo, csrf, ...rest].join(''), 'latin1') }
    assert.equal((await send(reordered)).status, 403)
    assert.deepEqual(await stored(), before)
  })
})
