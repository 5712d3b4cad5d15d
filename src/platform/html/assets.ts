/**
 * Self-hosted static files with content hashes in their names, so browsers may cache them forever and
 * a new release is never mixed with an old stylesheet. Nothing is ever loaded from another host.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { regionsSprite } from '../regions/regions-map.ts'

const folder = new URL('../../../public/', import.meta.url)
// Browser code from npm packages, served from here like everything else (never from a CDN).
const fromNpm = (path: string) => new URL(`../../../node_modules/${path}`, import.meta.url)
const vendored: Record<string, URL> = {
  'webauthn.js': fromNpm('@simplewebauthn/browser/dist/bundle/index.umd.min.js'),
  // ALTCHA's widget in the build with no inline styles or workers (the CSP forbids them), its Russian
  // and Ukrainian texts (both load as modules: as classic scripts their top-level names would clash),
  // and the worker that solves PBKDF2 challenges.
  'altcha.js': fromNpm('altcha/dist/external/altcha.min.js'),
  'altcha.css': fromNpm('altcha/dist/external/altcha.css'),
  'altcha-ru.js': fromNpm('altcha/dist/i18n/ru.js'),
  'altcha-uk.js': fromNpm('altcha/dist/i18n/uk.js'),
  'altcha-pbkdf2.js': fromNpm('altcha/dist/workers/pbkdf2.js'),
}
const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
}

type Asset = { url: string; body: Buffer; type: string }

const files: [string, URL][] = [
  ...readdirSync(folder).map((name): [string, URL] => [name, new URL(name, folder)]),
  ...Object.entries(vendored),
]
// Built from the platform's own data when the app starts: the regions' outlines, drawn once by every
// map page that refers to them (`<use href>`), so a browser fetches and caches them once.
const derived: [string, () => Buffer][] = [['regions.svg', () => Buffer.from(regionsSprite())]]

const assets = new Map<string, Asset>(
  files
    .filter(([name]) => types[extname(name)])
    .map(([name, file]) => {
      const body = readFileSync(file)
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
      const ext = extname(name)
      const url = `/assets/${name.slice(0, -ext.length)}.${hash}${ext}`
      return [name, { url, body, type: types[ext]! }]
    }),
)
for (const [name, build] of derived) {
  const body = build()
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12)
  const ext = extname(name)
  assets.set(name, { url: `/assets/${name.slice(0, -ext.length)}.${hash}${ext}`, body, type: types[ext]! })
}

/** The fingerprinted URL of a file in public/, e.g. assetUrl('style.css'). */
export function assetUrl(name: string): string {
  const asset = assets.get(name)
  if (!asset) throw new Error(`No asset named ${name} in public/`)
  return asset.url
}

/** Serves every file in public/ at its fingerprinted URL. */
export function registerAssets(app: FastifyInstance): void {
  for (const asset of assets.values()) {
    app.get(asset.url, { config: { policy: 'public' } }, (_request, reply) =>
      reply
        .header('content-type', asset.type)
        .header('cache-control', 'public, max-age=31536000, immutable')
        .send(asset.body),
    )
  }
}
