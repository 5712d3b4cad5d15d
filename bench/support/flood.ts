/**
 * A flood of help-desk reports with large photos, all from loopback as through an onion service:
 * `writers` connections each open the "someone was detained" form once, then post it again and again
 * with three 6000×6000 PNGs of 9 MB (each post with its own one-time token), bounded in time and in posts; meanwhile
 * a prober opens the form every 100 ms, as an ordinary writer would. The server's peak resident memory
 * is read from the kernel (VmHWM), so the server must be fresh for each flood.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import sharp from 'sharp'
import { MAX_PHOTO_BYTES } from '../../src/platform/intake/photos.ts'
import { multipartBody } from '../../test/support/multipart.ts'

/** What one flood measured. Times in milliseconds. */
export type FloodFigures = {
  posts: number
  byStatus: Record<string, number>
  postP95: number
  acceptedP95: number
  refusedP95: number
  getP95: number
  gets: number
  peakRssMb: number
  seconds: number
}

/** The flood's size: parallel writers, seconds of posting, and a cap on posts. */
export type FloodPlan = { writers: number; seconds: number; maxPosts: number }

const PROBE_GAP_MS = 100

/**
 * Three 6000×6000 PNGs of about 9 MB each (a band of noise over a plain colour), just under the photo
 * limit as sent: 36 megapixels to decode apiece, and 27 MB of body per post to hold.
 */
export async function floodPhotos(): Promise<Buffer[]> {
  const band = await sharp({
    create: {
      width: 6000,
      height: 450,
      channels: 3,
      background: '#000',
      noise: { type: 'gaussian', mean: 128, sigma: 40 },
    },
  })
    .png()
    .toBuffer()
  const photos = await Promise.all(
    ['#8a6', '#68a', '#a68'].map((background) =>
      sharp({ create: { width: 6000, height: 6000, channels: 3, background } })
        .composite([{ input: band, top: 0, left: 0 }])
        .png()
        .toBuffer(),
    ),
  )
  if (photos.some((photo) => photo.length > MAX_PHOTO_BYTES))
    throw new Error('a flood photo is over the limit')
  return photos
}

/** The p-th percentile of some times. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
}

/** Opens the form `count` times, PROBE_GAP_MS apart (or while `going()`), and returns the times. */
export async function probeForm(port: number, going: (done: number) => boolean): Promise<number[]> {
  const times: number[] = []
  while (going(times.length)) {
    const started = performance.now()
    const response = await fetch(`http://127.0.0.1:${port}/help/detained`)
    await response.text()
    if (response.status !== 200) throw new Error(`GET /help/detained answered ${response.status}`)
    times.push(performance.now() - started)
    await sleep(PROBE_GAP_MS)
  }
  return times
}

function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  return match ? Number(match[1]) / 1024 : Number.NaN
}

type Sent = { status: number; ms: number }

// One writer: the form once (its CSRF cookie and token), then posts until the time or the posts are up.
async function writer(port: number, photos: Buffer[], deadline: number, left: { posts: number }) {
  const url = `http://127.0.0.1:${port}/help/detained`
  const form = await fetch(url)
  const page = await form.text()
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1]
  if (!csrf) throw new Error('no _csrf field on the form')
  const cookie = form.headers
    .getSetCookie()
    .map((line) => line.split(';')[0])
    .join('; ')
  const sent: Sent[] = []
  while (performance.now() < deadline && left.posts-- > 0) {
    const { body, type } = multipartBody([
      { name: '_csrf', value: csrf },
      { name: 'token', value: randomBytes(16).toString('base64url') },
      { name: 'who', value: 'Иван Петров, 34 года' },
      { name: 'station', value: 'ОВД «Тверской»' },
      ...photos.map((value, i) => ({ name: 'photo', filename: `IMG_${i}.png`, type: 'image/png', value })),
      { name: 'contact', value: 'Signal: @someone' },
    ])
    const started = performance.now()
    const response = await fetch(url, {
      method: 'POST',
      body,
      headers: { cookie, 'content-type': type },
      signal: AbortSignal.timeout(120_000),
    })
    await response.arrayBuffer()
    sent.push({ status: response.status, ms: performance.now() - started })
  }
  return sent
}

/** Floods the server on `port` (its process `pid`, started fresh) and probes the form meanwhile. */
export async function runFlood(
  port: number,
  pid: number,
  photos: Buffer[],
  plan: FloodPlan,
): Promise<FloodFigures> {
  const started = performance.now()
  const left = { posts: plan.maxPosts }
  let flooding = true
  const writers = Promise.all(
    Array.from({ length: plan.writers }, () => writer(port, photos, started + plan.seconds * 1000, left)),
  ).finally(() => {
    flooding = false
  })
  const [sent, gets] = await Promise.all([writers, probeForm(port, () => flooding)])
  const all = sent.flat()
  const byStatus: Record<string, number> = {}
  for (const { status } of all) byStatus[status] = (byStatus[status] ?? 0) + 1
  return {
    posts: all.length,
    byStatus,
    postP95: percentile(
      all.map((post) => post.ms),
      95,
    ),
    acceptedP95: percentile(
      all.filter((post) => post.status === 201).map((post) => post.ms),
      95,
    ),
    refusedP95: percentile(
      all.filter((post) => post.status === 503).map((post) => post.ms),
      95,
    ),
    getP95: percentile(gets, 95),
    gets: gets.length,
    peakRssMb: peakRssMb(pid),
    seconds: (performance.now() - started) / 1000,
  }
}
