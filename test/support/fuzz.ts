/**
 * Hostile requests for every public route, as fast-check arbitraries: malformed and oversized query
 * strings and bodies (urlencoded, JSON, multipart), broken encodings, lying headers, prototype-pollution
 * keys, impossible dates and numbers. The routes come from the app itself (`app.lifelineRoutes`), so a
 * new public route is fuzzed without anyone adding it here. test/fuzz.test.ts sends the cases with
 * `app.inject`; `npm run bench -- fuzz` sends many more over real HTTP.
 */
import { randomBytes } from 'node:crypto'
import fc from 'fast-check'
import type { RouteEntry } from '../../src/platform/route-policy.ts'
import { hostile, key, pair, queryString, urlSafe } from './fuzz-values.ts'

/** One request to send: printable for a failure message, sendable by inject and by node:http alike. */
export type FuzzCase = {
  /** The route as registered, e.g. `POST /help/legal`. */
  route: string
  /** What kind of hostility this is, e.g. `multipart:truncated`. */
  kind: string
  method: string
  url: string
  headers: Record<string, string>
  body?: Buffer
}

/** Values for path parameters, by name: real ones (so handlers are reached) mixed with hostile ones. */
export type PathValues = Record<string, string[]>

/** The routes anyone may call (public, or part-way through signing in, which redirect). */
export function publicRoutes(routes: RouteEntry[]): RouteEntry[] {
  return routes.filter((route) => route.policy === 'public' || route.policy === 'session')
}

const ipAddress = fc.oneof(
  fc.ipV4(),
  fc.ipV6(),
  fc.constantFrom('unknown', '', '::1', '127.0.0.1', '999.1.1.1'),
)
// Header values Node's client will send: printable ASCII, plus Latin-1 bytes that are not UTF-8.
const headerText = fc
  .string({ maxLength: 60 })
  .map((text) => text.replace(/[^\x20-\x7e]/g, '')) // printable ASCII only
  .chain((text) => fc.constantFrom(text, `${text}\u00ff\u00fe`, `\u00c3(${text}`))

const contentTypes = fc.constantFrom(
  'application/json',
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-16',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=nope',
  'text/plain',
  'application/xml',
  'application/octet-stream',
  'application/json; charset=koi8-r',
  '*/*',
  ';;;',
)

/** Extra headers: a lying accept-language, forwarded addresses, huge or odd cookies, a cookie-borne session. */
const extraHeaders = fc.record(
  {
    'accept-language': fc.oneof(
      fc.constantFrom('ru', 'uk', 'en', '*', 'xx-YY', 'ru-RU,uk;q=0.9,,,;', 'en;q=abc', 'ru;q=-1,uk;q=2'),
      headerText,
      fc.integer({ min: 100, max: 4000 }).map((n) => 'en,'.repeat(n)),
    ),
    'x-forwarded-for': fc.oneof(
      ipAddress,
      fc.array(ipAddress, { minLength: 2, maxLength: 30 }).map((list) => list.join(', ')),
      headerText,
    ),
    accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/json;q=0', ''),
    cookie: fc.oneof(
      fc.constantFrom(
        'lifeline_lang=__proto__',
        'lifeline_lang=xx',
        `lifeline_session=${'a'.repeat(43)}.${'b'.repeat(43)}`,
        'lifeline_session=.',
        'lifeline_csrf=short',
        '=; ;=;',
        '__proto__=1; constructor=2',
      ),
      fc.integer({ min: 1000, max: 12_000 }).map((n) => `big=${'x'.repeat(n)}`),
      headerText.map((text) => `lifeline_session=${text}`),
    ),
    'x-csrf-token': headerText,
  },
  { requiredKeys: [] },
)

/** A multipart body with `boundary`, well formed or broken in one of several ways. */
const multipartBody = fc
  .tuple(
    fc.array(fc.tuple(key, hostile), { maxLength: 8 }),
    fc.option(fc.uint8Array({ maxLength: 2000 }), { nil: undefined }),
    fc.constantFrom('ok', 'truncated', 'no-end', 'wrong-boundary', 'no-name', 'garbage-head', 'empty'),
  )
  .map(([fields, file, shape]) => {
    const boundary = `----fuzz${randomBytes(6).toString('hex')}`
    const parts: Buffer[] = []
    for (const [name, value] of fields) {
      const disposition = shape === 'no-name' ? 'form-data' : `form-data; name="${name.replace(/"/g, '')}"`
      parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n${value}\r\n`))
    }
    if (file) {
      parts.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="a.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
        ),
        Buffer.from(file),
        Buffer.from('\r\n'),
      )
    }
    if (shape === 'garbage-head')
      parts.unshift(Buffer.from(`--${boundary}\r\nthis is not a header\r\n\r\nx\r\n`))
    if (shape !== 'no-end') parts.push(Buffer.from(`--${boundary}--\r\n`))
    let body = Buffer.concat(parts)
    if (shape === 'truncated') body = body.subarray(0, Math.floor(body.length / 2))
    if (shape === 'empty') body = Buffer.alloc(0)
    const sent = shape === 'wrong-boundary' ? `${boundary}x` : boundary
    return { kind: `multipart:${shape}`, type: `multipart/form-data; boundary=${sent}`, body }
  })

const formBody = fc.tuple(fc.array(pair, { maxLength: 10 }), fc.boolean()).map(([pairs, oversized]) => {
  const text = pairs.join('&') + (oversized ? `&details=${'a'.repeat(300 * 1024)}` : '')
  return {
    kind: oversized ? 'form:oversized' : 'form',
    type: 'application/x-www-form-urlencoded',
    body: Buffer.from(text),
  }
})

const pollutedJson = fc.constantFrom(
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":',
  '[]',
  'null',
  '1e309',
  '"x"',
  '{"q":{"$gt":""}}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  '\ufeff{}',
)
const jsonBody = fc
  .oneof(
    fc.json({ maxDepth: 3 }),
    pollutedJson,
    fc.dictionary(key, hostile, { maxKeys: 8 }).map((object) => JSON.stringify(object)),
  )
  .map((text) => ({ kind: 'json', type: 'application/json', body: Buffer.from(text) }))

const rawBody = fc
  .tuple(contentTypes, fc.uint8Array({ maxLength: 1000 }))
  .map(([type, bytes]) => ({ kind: 'raw', type, body: Buffer.from(bytes) }))

const body = fc.oneof(
  { weight: 3, arbitrary: formBody },
  { weight: 3, arbitrary: multipartBody },
  { weight: 2, arbitrary: jsonBody },
  { weight: 1, arbitrary: rawBody },
)

// A hostile value for a path parameter: percent-encoded so it stays one segment.
const pathJunk = fc.oneof(
  fc.constantFrom(
    '0',
    '-1',
    '1e309',
    'NaN',
    '99999999999999999999',
    '00000000-0000-0000-0000-000000000000',
    '%zz',
    '%2e%2e',
  ),
  hostile.map((text) => urlSafe(text).replace(/\//g, '%2F') || 'x'),
)

/** The route's URL with each `:name` filled from `values` (a real one, mostly) or a hostile value. */
function pathFor(url: string, values: PathValues) {
  const names = [...url.matchAll(/:(\w+)/g)].map((match) => match[1]!)
  return fc
    .tuple(
      ...names.map((name) =>
        values[name]?.length
          ? fc.oneof(
              { weight: 3, arbitrary: fc.constantFrom(...values[name]!) },
              { weight: 1, arbitrary: pathJunk },
            )
          : pathJunk,
      ),
    )
    .map((filled) => names.reduce((path, name, i) => path.replace(`:${name}`, filled[i]!), url))
}

/** A CSRF cookie (its name and value) and its token, as a browser that opened a form holds them. */
export type CsrfPair = { name: string; cookie: string; token: string }

/**
 * The CSRF pair a server gave with a page that has a form: tokens are made under the server's own
 * secret, so only it can make one. `setCookie` is the answer's set-cookie header.
 */
export function csrfPairFrom(setCookie: string | string[] | undefined, page: string): CsrfPair {
  const header = [setCookie ?? []].flat().join('\n')
  const cookie = /((?:__Host-)?lifeline_csrf)=([A-Za-z0-9_-]+)/.exec(header)
  const token = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  if (!cookie || !token) throw new Error('The page gave no CSRF cookie and token')
  return { name: cookie[1]!, cookie: cookie[2]!, token }
}

/**
 * Requests for one route. A body-taking route gets bodies of every kind, half of them with a valid
 * CSRF cookie and token (so they reach the handler) and half without. With `session` (the cookies of
 * a signed-in member, whose CSRF pair `pair` then is) every request carries it, so staff routes are
 * reached too.
 */
export function casesFor(
  route: RouteEntry,
  values: PathValues,
  pair: CsrfPair,
  session?: string,
): fc.Arbitrary<FuzzCase> {
  const takesBody = !['GET', 'HEAD', 'OPTIONS'].includes(route.method)
  return fc
    .record({
      path: pathFor(route.url, values),
      query: fc.option(queryString, { nil: undefined, freq: 3 }),
      headers: extraHeaders,
      body: takesBody ? body : fc.constant(undefined),
      csrf: fc.boolean(),
    })
    .map(({ path, query, headers, body: sent, csrf }) => {
      const all: Record<string, string> = { ...headers }
      if (session) all.cookie = `${session}${all.cookie ? `; ${all.cookie}` : ''}`
      let payload = sent?.body
      let kind = sent?.kind ?? 'query'
      if (sent) {
        all['content-type'] = sent.type
        if (csrf) {
          all.cookie = `${pair.name}=${pair.cookie}${all.cookie ? `; ${all.cookie}` : ''}`
          all['x-csrf-token'] = pair.token
          // Forms carry the token in the body too, so the check passes whatever the parser makes of it.
          if (sent.kind.startsWith('form')) payload = Buffer.from(`_csrf=${pair.token}&${payload}`)
          kind += '+csrf'
        }
      }
      return {
        route: `${route.method} ${route.url}`,
        kind,
        method: route.method,
        url: query === undefined ? path : `${path}?${query}`,
        headers: all,
        body: payload,
      }
    })
}

/** Requests spread evenly over `routes`: each case picks a route, then a request for it. */
export function fuzzCases(
  routes: RouteEntry[],
  values: PathValues,
  pair: CsrfPair,
  session?: string,
): fc.Arbitrary<FuzzCase> {
  return fc.oneof(...routes.map((route) => casesFor(route, values, pair, session)))
}

/** A case in one line for a failure message: route, kind, the URL and the start of the body. */
export function describeCase(fuzz: FuzzCase): string {
  const body = fuzz.body
    ? ` body(${fuzz.body.length}): ${JSON.stringify(fuzz.body.subarray(0, 80).toString('latin1'))}`
    : ''
  const type = fuzz.headers['content-type'] ? ` [${fuzz.headers['content-type']}]` : ''
  return `${fuzz.route} (${fuzz.kind}) ${fuzz.method} ${fuzz.url.slice(0, 160)}${type}${body}`
}
