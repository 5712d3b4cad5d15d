/**
 * Page weight: the bytes of the main public pages as a browser receives them (asking for brotli or
 * gzip) and uncompressed, over a demo chronicle, each beside its budget. Readers come over slow Tor
 * circuits and phones; a budget that is missed shows here before it shows to them.
 */
import { request } from 'node:http'
import { instance, runCli, startServer } from './lifeline.ts'
import { tempDir } from './processes.ts'

/** Demo events the pages are measured over: enough for full pages, facets and a year of charts. */
const DEMO_EVENTS = 10_000

/**
 * Each page and its budget in KiB as sent (compressed when the app compresses it). The help desk's
 * pages are never compressed (src/platform/compression.ts), so /help's budget is its plain size.
 */
const pages: { label: string; path: string | ((list: string) => string); budgetKiB: number }[] = [
  { label: 'home', path: '/', budgetKiB: 10 },
  { label: 'chronicle list', path: '/chronicle', budgetKiB: 30 },
  { label: 'statistics', path: '/chronicle/stats', budgetKiB: 30 },
  { label: 'event page', path: firstEvent, budgetKiB: 15 },
  { label: 'Atom feed', path: '/chronicle/feed.atom', budgetKiB: 20 },
  { label: 'help desk start', path: '/help', budgetKiB: 10 },
]

function firstEvent(list: string): string {
  const id = /href="\/chronicle\/events\/(\d+)"/.exec(list)?.[1]
  if (!id) throw new Error('no event link on /chronicle')
  return `/chronicle/events/${id}`
}

type Fetched = { status: number; encoding: string; body: Buffer }

/** A GET whose body is counted as it came over the wire (node:http does not decompress). */
function fetchRaw(port: number, path: string, acceptEncoding?: string): Promise<Fetched> {
  return new Promise((done, fail) => {
    const headers = acceptEncoding ? { 'accept-encoding': acceptEncoding } : {}
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        done({
          status: res.statusCode ?? 0,
          encoding: String(res.headers['content-encoding'] ?? 'none'),
          body: Buffer.concat(chunks),
        }),
      )
    })
    req.on('error', fail)
    req.end()
  })
}

/** One measured page: its size both ways and whether the size as sent is within its budget. */
export type PageWeight = {
  label: string
  path: string
  plainBytes: number
  sentBytes: number
  encoding: string
  budgetKiB: number
}

/** Starts a PGlite instance with a demo chronicle and measures every page; stops it after. */
export async function measurePageWeights(): Promise<PageWeight[]> {
  const target = await instance(tempDir('lifeline-bench-weight-'))
  console.log(`\n[weight] adding ${DEMO_EVENTS} demo events with the CLI…`)
  await runCli(target, ['demo', '--events', String(DEMO_EVENTS)])
  const server = await startServer(target)
  try {
    const list = (await fetchRaw(target.port, '/chronicle')).body.toString('utf8')
    const weights: PageWeight[] = []
    for (const page of pages) {
      const path = typeof page.path === 'string' ? page.path : page.path(list)
      const plain = await fetchRaw(target.port, path)
      const sent = await fetchRaw(target.port, path, 'br, gzip')
      if (plain.status !== 200 || sent.status !== 200) throw new Error(`${path} answered ${sent.status}`)
      weights.push({
        label: page.label,
        path,
        plainBytes: plain.body.length,
        sentBytes: sent.body.length,
        encoding: sent.encoding,
        budgetKiB: page.budgetKiB,
      })
    }
    return weights
  } finally {
    await server.stop()
  }
}

/** The weights as table rows: page, path, plain and sent KiB, encoding, budget and whether it is met. */
export function weightRows(weights: PageWeight[]): string[][] {
  const kib = (bytes: number) => (bytes / 1024).toFixed(1)
  return weights.map((page) => [
    page.label,
    page.path,
    kib(page.plainBytes),
    kib(page.sentBytes),
    page.encoding,
    `≤${page.budgetKiB}`,
    page.sentBytes <= page.budgetKiB * 1024 ? 'ok' : 'MISS',
  ])
}

/** The header of weightRows' table. */
export const weightHeader = ['page', 'path', 'plain KiB', 'sent KiB', 'encoding', 'budget', 'within']
