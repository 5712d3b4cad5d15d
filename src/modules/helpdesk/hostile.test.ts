import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { type Agent, agent, encodeForm } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { multipartBody, type Part } from '../../../test/support/multipart.ts'
import { type App, buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { windowedAudit } from '../../platform/audit.ts'
import { isCoarse } from '../../platform/coarse-time.ts'
import { newReceipt } from '../../platform/intake/receipts.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, reportCount, sendDetained, shownReceipt, solvedProof } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff

before(async () => {
  ;({
    t,
    members: [lawyer],
  } = await appWithDesk(['lawyer']))
})
after(() => t.close())

const reports = () => reportCount(t.store.db)

/** A POST from a given network address, with the agent's cookies and CSRF token. */
async function postFrom(writer: Agent, address: string, url: string, form: Record<string, string>) {
  return t.app.inject({
    method: 'POST',
    url,
    remoteAddress: address,
    payload: encodeForm({ _csrf: writer.csrf, ...form }),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'en',
      cookie: [...writer.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    },
  })
}

describe('hostile input on the public forms', () => {
  it('refuses each bad form with a translated message and stores nothing', async () => {
    const before = await reports()
    const cases: [string, Record<string, string | string[]>, RegExp][] = [
      ['oversized', { who: 'x'.repeat(2001) }, /too long/],
      ['control characters', { who: 'Ivan\u0000Petrov' }, /characters that can't be used|characters/i],
      ['bidi override', { station: 'ОВД \u202EкиньлесаБ' }, /direction|bidi|order/i],
      ['broken UTF-8 (as decoded)', { details: 'bad \uFFFD bytes' }, /characters/i],
      ['a count that is not one', { people: '5; DROP TABLE users' }, /number/i],
      ['an unknown need', { needs: ['lawyer', 'helicopter'] }, /Choose from the list/],
      ['an unknown region', { region: "RU-MOW' OR '1'='1" }, /region from the list/],
      ['a time that is not one', { time: '25:99' }, /hours and minutes/],
      ['a filled honeypot', { website: 'http://spam.example' }, /a program filled in this form/],
      ['nothing to act on', { who: '', needs: 'lawyer' }, /Tell us at least/],
    ]
    for (const [name, answers, message] of cases) {
      const response = await sendDetained(agent(t.app, 'en'), { who: 'Someone', ...answers })
      assert.equal(response.statusCode, 400, name)
      assert.match(response.body, message, name)
      assert.match(response.body, /class="error-summary"/, name)
    }
    assert.equal(await reports(), before)
  })

  it('keeps what was typed when it sends the form back, escaped', async () => {
    const response = await sendDetained(agent(t.app, 'en'), {
      who: '<script>alert(1)</script>',
      time: 'noon',
    })
    assert.equal(response.statusCode, 400)
    assert.ok(!response.body.includes('<script>alert(1)</script>'))
    assert.ok(response.body.includes('&#60;script&#62;alert(1)&#60;/script&#62;'))
  })

  it('refuses a form without its token, with a forged one, or without the CSRF token', async () => {
    const before = await reports()
    const writer = agent(t.app, 'en')
    await writer.get('/help/legal')
    const noToken = await writer.post('/help/legal', { category: 'fine', details: 'x' })
    assert.equal(noToken.statusCode, 400)
    assert.match(noToken.body, /expired/)
    const forged = await writer.post('/help/legal', { category: 'fine', details: 'x', token: 'not/a+token' })
    assert.equal(forged.statusCode, 400)
    const page = await writer.get('/help/legal')
    const noCsrf = await writer.post(
      '/help/legal',
      { category: 'fine', details: 'x', token: formToken(page.body) },
      { csrf: null },
    )
    assert.ok([400, 403].includes(noCsrf.statusCode))
    assert.equal(await reports(), before)
  })

  it('refuses a body over the size limit', async () => {
    const writer = agent(t.app, 'en')
    const page = await writer.get('/help/legal')
    const response = await writer.post('/help/legal', {
      category: 'fine',
      token: formToken(page.body),
      details: 'y'.repeat(300 * 1024),
    })
    assert.equal(response.statusCode, 413)
  })

  it('stores markup and SQL as the text they are, and shows them escaped to writer and desk', async () => {
    const hostile = `<img src=x onerror=alert(1)> '; DROP TABLE helpdesk_reports; -- =HYPERLINK("http://x")`
    const writer = agent(t.app, 'en')
    const sent = await sendDetained(writer, { who: hostile, station: hostile })
    assert.equal(sent.statusCode, 201)
    const receipt = shownReceipt(sent.body)
    const page = await writer.post('/help/report', { receipt })
    assert.equal(page.statusCode, 200)
    assert.ok(!page.body.includes('<img src=x'))
    assert.ok(page.body.includes('&#60;img src&#61;x onerror&#61;alert(1)&#62;'))
    const desk = await signIn(t.app, lawyer)
    const report = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('id')
      .orderBy('received_at', 'desc')
      .executeTakeFirstOrThrow()
    const view = await desk.get(`/staff/helpdesk/reports/${report.id}`)
    assert.ok(!view.body.includes('<img src=x'))
    assert.ok(view.body.includes('&#60;img src&#61;x onerror&#61;alert(1)&#62;'))
  })

  it('tells a mistyped receipt from an unknown one, and takes a writer reply only when it is valid', async () => {
    const writer = agent(t.app, 'en')
    const sent = await sendDetained(writer, { who: 'Reply test' })
    const receipt = shownReceipt(sent.body)
    const typo = receipt.slice(0, 5) + (receipt[5] === 'A' ? 'B' : 'A') + receipt.slice(6)
    const mistyped = await writer.post('/help/report', { receipt: typo })
    assert.equal(mistyped.statusCode, 400)
    assert.match(mistyped.body, /has a typo/)
    const page = await writer.post('/help/report', { receipt })
    for (const message of ['', 'z'.repeat(5001), 'a\u0000b']) {
      const response = await writer.post('/help/report/reply', {
        receipt,
        token: formToken(page.body),
        message,
      })
      assert.equal(response.statusCode, 400)
    }
    const messages = await t.store.db
      .selectFrom('helpdesk_messages')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(messages.n), 0)
  })
})

describe('limits per address', () => {
  it('answers the 11th report from one address in 10 minutes with a translated 429, and stores none of it', async () => {
    const before = await reports()
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const writer = agent(t.app, 'en')
      const page = await writer.get('/help/legal')
      const response = await postFrom(writer, '192.0.2.44', '/help/legal', {
        category: 'fine',
        details: `Report ${i}`,
        token: formToken(page.body),
      })
      statuses.push(response.statusCode)
      if (i === 10) assert.match(response.body, /Reports you already have a code for are stored/)
    }
    assert.deepEqual(statuses, [...Array(10).fill(201), 429])
    assert.equal(await reports(), before + 10)
  })

  it('lets a report with a solved proof of work in its address past the limit, once per proof', async () => {
    const address = '192.0.2.45'
    // The widget puts the proof in the form's address; one in the body is not looked at.
    const send = async (query: string, extra: Record<string, string> = {}) => {
      const writer = agent(t.app, 'en')
      const page = await writer.get('/help/legal')
      return postFrom(writer, address, `/help/legal${query}`, {
        category: 'fine',
        details: 'Over the limit',
        token: formToken(page.body),
        ...extra,
      })
    }
    for (let i = 0; i < 10; i++) assert.equal((await send('')).statusCode, 201)
    const before = await reports()
    const inAddress = `?altcha=${encodeURIComponent(await solvedProof(t.store.db))}`
    assert.equal((await send('', { altcha: await solvedProof(t.store.db) })).statusCode, 429, 'in the body')
    assert.equal((await send(inAddress)).statusCode, 201)
    assert.equal((await send(inAddress)).statusCode, 429, 'the same proof again')
    assert.equal((await send('?altcha=forged')).statusCode, 429)
    assert.equal((await send('?altcha=a&altcha=b')).statusCode, 429, 'repeated')
    assert.equal((await send('')).statusCode, 429)
    assert.equal(await reports(), before + 1)
  })

  it('gives the widget a fresh, signed challenge that no cache keeps', async () => {
    const first = await t.app.inject({ method: 'GET', url: '/help/proof' })
    const second = await t.app.inject({ method: 'GET', url: '/help/proof' })
    assert.equal(first.statusCode, 200)
    assert.equal(first.headers['cache-control'], 'no-store')
    const challenge = first.json()
    assert.equal(challenge.parameters.algorithm, 'PBKDF2/SHA-256')
    assert.match(challenge.signature, /^[0-9a-f]{64}$/)
    assert.notEqual(challenge.parameters.nonce, second.json().parameters.nonce)
  })
})

describe('guessed receipts', () => {
  it('are throttled per address after 20 misses, and audited as one count per ten minutes', async () => {
    const writer = agent(t.app, 'en')
    await writer.get('/help/report')
    const misses = () =>
      t.store.db
        .selectFrom('audit_log')
        .select(['at', 'detail'])
        .where('action', '=', 'helpdesk.receipt_misses')
        .orderBy('id')
        .execute()
    await windowedAudit(t.store.db, 'helpdesk.receipt_misses').flush()
    const before = await misses()
    const failures = () =>
      t.store.db
        .selectFrom('login_failures')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    const failuresBefore = Number((await failures()).n)
    const statuses: number[] = []
    for (let i = 0; i < 20; i++) {
      const response = await postFrom(writer, '203.0.113.7', '/help/report', { receipt: newReceipt() })
      statuses.push(response.statusCode)
    }
    assert.deepEqual(statuses, Array(20).fill(404))
    const throttled = await postFrom(writer, '203.0.113.7', '/help/report', { receipt: newReceipt() })
    assert.equal(throttled.statusCode, 429)
    assert.match(throttled.body, /Wait 15 minutes/)
    // Counted in memory: the database keeps no row of them, not even a hash of the address.
    assert.equal(Number((await failures()).n), failuresBefore)
    // Nothing dates a miss on its own: no row yet, then one row for the window, at its start.
    assert.equal((await misses()).length, before.length)
    await windowedAudit(t.store.db, 'helpdesk.receipt_misses').flush()
    const after = await misses()
    assert.equal(after.length, before.length + 1)
    const row = after.at(-1)!
    assert.equal(row.detail.count, 20)
    assert.ok(isCoarse(row.at), 'dated to the start of its ten minutes')
    // Another address is not held back by this one's misses.
    const other = await postFrom(writer, '198.51.100.9', '/help/report', { receipt: newReceipt() })
    assert.equal(other.statusCode, 404)
  })
})

describe('damaged multipart bodies', () => {
  // An app of its own that logs, to see that none of these is logged as an error.
  const lines: string[] = []
  let app: App
  before(async () => {
    const stream = new PassThrough()
    stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)))
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LOG_LEVEL: 'debug' })
    app = await buildApp({ store: t.store, env, logStream: stream })
  })
  after(() => app.close())

  it('answer the form again with what could be read, as a 400, never a server error', async () => {
    const before = await reports()
    const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#246' } })
      .png()
      .toBuffer()
    const photo = { name: 'photo', filename: 'p.png', type: 'image/png', value: png }
    for (const form of ['detained', 'legal'] as const) {
      const writer = agent(app, 'en')
      const page = await writer.get(`/help/${form}`)
      const head: Part[] = [
        { name: '_csrf', value: writer.csrf },
        { name: 'token', value: formToken(page.body) },
        { name: 'category', value: 'fine' },
        { name: 'details', value: 'Kept answer' },
      ]
      const sent = (parts: Part[]) => multipartBody(parts, 'lifeline-test')
      const cut = (body: Buffer, keep: number) => body.subarray(0, keep)
      const full = sent([...head, photo])
      const urlencoded = encodeForm({ _csrf: writer.csrf, details: 'Kept answer' })
      // A part whose headers are past what the parser keeps is left out (here the form's token): the
      // form comes back saying what is missing.
      const hugeHeader = Buffer.from(
        `--b\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${writer.csrf}\r\n` +
          `--b\r\nContent-Disposition: form-data; name="category"\r\n\r\nfine\r\n` +
          `--b\r\nContent-Disposition: form-data; name="details"\r\n\r\nKept answer\r\n` +
          `--b\r\nX-Filler: ${'a'.repeat(200_000)}\r\nContent-Disposition: form-data; name="token"\r\n\r\n` +
          `${formToken(page.body)}\r\n--b--\r\n`,
      )
      // What is sent, its content type, whether the answer before the damage is kept, the message.
      const cases: [string, Buffer | string, string, boolean, RegExp][] = [
        ['cut off in a photo', cut(full.body, full.body.length - 100), full.type, true, /arrived incomplete/],
        [
          'cut off in a field',
          cut(sent([...head, { name: 'who', value: 'x'.repeat(500) }]).body, 900),
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'another boundary than declared',
          sent(head).body,
          'multipart/form-data; boundary=elsewhere',
          false,
          /arrived incomplete/,
        ],
        ['no boundary', sent(head).body, 'multipart/form-data', false, /arrived incomplete/],
        ['a urlencoded body', urlencoded, 'multipart/form-data; boundary=x', false, /arrived incomplete/],
        [
          'a part without a name',
          sent([...head, { value: 'nameless' }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'a file without a name',
          sent([...head, { ...photo, name: undefined }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        ['a part header of 200 kB', hugeHeader, 'multipart/form-data; boundary=b', true, /expired/],
        [
          'too many fields',
          sent([...head, ...Array(60).fill({ name: 'needs', value: 'food' })]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'too many files',
          sent([...head, ...Array(30).fill({ ...photo, filename: '' })]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'a field over the size limit',
          sent([...head, { name: 'contact', value: 'y'.repeat(30_000) }]).body,
          full.type,
          true,
          /too long/,
        ],
        [
          'a file in another field than photo',
          sent([...head, { ...photo, name: 'details' }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'text that is not UTF-8',
          sent([...head, { name: 'contact', value: Buffer.from([0x49, 0xff, 0xfe]) }]).body,
          full.type,
          true,
          /characters/,
        ],
        [
          '__proto__ as a field name',
          sent([...head, { name: '__proto__', value: '{"polluted":1}' }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          'constructor as a field name',
          sent([...head, { name: 'constructor', value: 'x' }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
        [
          '__proto__ as a file name',
          sent([...head, { ...photo, name: '__proto__' }]).body,
          full.type,
          true,
          /arrived incomplete/,
        ],
      ]
      for (const [name, body, type, kept, message] of cases) {
        const response = await writer.send('POST', `/help/${form}`, body, { 'content-type': type })
        const label = `${form}: ${name}`
        assert.equal(response.statusCode, 400, label)
        assert.match(response.body, /class="error-summary"/, label)
        assert.match(response.body, message, label)
        assert.ok(response.body.includes(`action="/help/${form}"`), `${label}: the form again`)
        if (kept) assert.ok(response.body.includes('Kept answer'), `${label}: the answer is kept`)
      }
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined)
    assert.equal(await reports(), before)
    const errors = lines.filter((line) => JSON.parse(line).level >= 50)
    assert.deepEqual(errors, [], 'nothing is logged as an error')
  })
})
