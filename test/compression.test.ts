/**
 * Compression (src/platform/compression.ts): public, session-less pages go compressed to clients that
 * take brotli or gzip, and decompress to the very page; anything carrying a secret (a CSRF token, a
 * signed-in member's page, a help desk receipt) goes uncompressed, against BREACH.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import type { LightMyRequestResponse } from 'fastify'
import { buildApp } from '../src/app.ts'
import { loadEnv } from '../src/env.ts'
import { ensureTerms, insertEvents } from '../src/modules/chronicle/testing/events.ts'
import { helpdeskWith } from '../src/modules/helpdesk/testing/desk-setup.ts'
import { formToken, shownReceipt } from '../src/modules/helpdesk/testing/forms.ts'
import { markSecret } from '../src/platform/compression.ts'
import { agent, encodeForm } from './support/agent.ts'
import { type TestApp, testApp } from './support/app.ts'
import { createStaff, signIn } from './support/factories.ts'

let t: TestApp
before(async () => {
  t = await testApp()
  const terms = await ensureTerms(t.store.db)
  await insertEvents(
    t.store.db,
    Array.from({ length: 30 }, (_, i) => ({
      title: { ru: `Пикет номер ${i}`, en: `Picket number ${i}` },
      type_id: terms.event_type.picket,
      region_id: terms.region['RU-MOW'],
      start_date: `2024-03-${String(1 + (i % 28)).padStart(2, '0')}`,
      start_precision: 'day' as const,
    })),
  )
})
after(() => t.close())

const accepting = { 'accept-encoding': 'br, gzip' }
const encoding = (response: LightMyRequestResponse) => response.headers['content-encoding']
// The raw bytes as sent, decoded the way a browser would.
function decoded(response: LightMyRequestResponse): string {
  const raw = response.rawPayload
  if (encoding(response) === 'br') return brotliDecompressSync(raw).toString('utf8')
  if (encoding(response) === 'gzip') return gunzipSync(raw).toString('utf8')
  return raw.toString('utf8')
}
// Every header but those compression itself sets (a long page goes in chunks, its length unknown),
// and the date, which moves on when the two requests straddle a second.
const otherHeaders = (response: LightMyRequestResponse) => {
  const {
    'content-encoding': _e,
    'content-length': _l,
    vary: _v,
    'transfer-encoding': _c,
    date: _d,
    ...rest
  } = response.headers
  return rest
}

describe('a public page', () => {
  it('goes compressed with brotli or gzip, and decompresses to the same page with the same headers', async () => {
    const plain = await t.app.inject({ url: '/chronicle' })
    assert.equal(plain.statusCode, 200)
    assert.equal(encoding(plain), undefined, 'a client that takes no encoding gets the page as it is')
    assert.ok(plain.rawPayload.length > 5000)
    const brotli = await t.app.inject({ url: '/chronicle', headers: accepting })
    assert.equal(encoding(brotli), 'br')
    assert.match(String(brotli.headers.vary), /accept-encoding/i)
    assert.ok(brotli.rawPayload.length < plain.rawPayload.length / 3, 'markup compresses well')
    assert.equal(decoded(brotli), plain.body)
    assert.deepEqual(otherHeaders(brotli), otherHeaders(plain), 'the CSP and every other header unchanged')
    const gzip = await t.app.inject({ url: '/chronicle', headers: { 'accept-encoding': 'gzip' } })
    assert.equal(encoding(gzip), 'gzip')
    assert.equal(decoded(gzip), plain.body)
  })

  it('and the feed and the API too; a small answer goes as it is', async () => {
    for (const url of ['/chronicle/feed.atom', '/api/v1/events'])
      assert.equal(encoding(await t.app.inject({ url, headers: accepting })), 'br', url)
    assert.equal(encoding(await t.app.inject({ url: '/healthz', headers: accepting })), undefined)
  })
})

describe('a response with a secret in it is never compressed', () => {
  it('a page with a CSRF token (the sign-in form), though no one is signed in', async () => {
    const page = await t.app.inject({ url: '/login', headers: accepting })
    assert.match(page.body, /name="_csrf"/)
    assert.equal(encoding(page), undefined)
  })

  it('any page a signed-in member sees, even a public one', async () => {
    const member = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
    for (const url of ['/chronicle', '/chronicle/feed.atom', '/account']) {
      const page = await member.get(url, accepting)
      assert.equal(page.statusCode, 200, url)
      assert.equal(encoding(page), undefined, url)
    }
  })

  it('the help desk’s form, the receipt page and the receipt entry page', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    await helpdeskWith(t.store.db, admin.id, [lawyer.id])
    const writer = agent(t.app, 'en')
    const form = await writer.get('/help/detained', accepting)
    assert.equal(form.statusCode, 200)
    assert.equal(encoding(form), undefined)
    const answers = { _csrf: writer.csrf, token: formToken(form.body), who: 'Ivan Petrov', station: 'OVD 1' }
    const receipt = await writer.send('POST', '/help/detained', encodeForm(answers), {
      'content-type': 'application/x-www-form-urlencoded',
      ...accepting,
    })
    assert.equal(receipt.statusCode, 201)
    assert.ok(shownReceipt(receipt.body))
    assert.equal(encoding(receipt), undefined)
    assert.equal(encoding(await writer.get('/help/report', accepting)), undefined)
  })

  it('a page its route marks as carrying a secret', async () => {
    const env = loadEnv({ LIFELINE_DATA_DIR: t.store.dataDir, LIFELINE_PUBLIC_URL: 'http://localhost:8080' })
    const body = `<p>${'a secret link, shown once. '.repeat(200)}</p>`
    const app = await buildApp({
      store: t.store,
      env,
      logger: false,
      extraRoutes: (app) => {
        const config = { config: { policy: 'public' as const } }
        app.get('/secret', config, async (request, reply) => {
          markSecret(request)
          return reply.type('text/html; charset=utf-8').send(body)
        })
        app.get('/open', config, async (_request, reply) => reply.type('text/html; charset=utf-8').send(body))
      },
    })
    try {
      assert.equal(encoding(await app.inject({ url: '/secret', headers: accepting })), undefined)
      assert.equal(encoding(await app.inject({ url: '/open', headers: accepting })), 'br')
    } finally {
      await app.close()
    }
  })
})
