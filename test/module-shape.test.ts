/**
 * Every module has the one shape the README's architecture section names: the same files and folders,
 * each for what it says, so the next module's authors copy one pattern. Lint holds the dependencies
 * (biome.json); this holds the layout.
 */
import assert from 'node:assert/strict'
import { globSync, readdirSync, readFileSync } from 'node:fs'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { installedModules } from '../src/modules.ts'

const root = fileURLToPath(new URL('../', import.meta.url))
const modulesDir = `${root}src/modules`

/** What every module has. */
const required = ['index.ts', 'register.ts', 'routes']
/** What a module may have besides: the layers (a layer may be one file or a folder of them), and tools. */
const layers = [
  'policy.ts',
  'errors.ts',
  'schema.ts',
  'schema',
  'present.ts',
  'present',
  'tables.ts',
  'pages',
  'queries',
  'commands',
  'jobs',
  'locales',
  'testing',
  'browser',
  'openapi.ts',
  'cli.ts',
  'data',
]
/** A module's own rule files that its layers share, named in the README. */
const rules: Record<string, string[]> = {
  chronicle: ['demo'],
  helpdesk: ['triage.ts', 'report-lock.ts', 'receipt-keys.ts'],
}

test('every module folder is an installed module, and every installed module has its folder', () => {
  const folders = readdirSync(modulesDir).sort()
  assert.deepEqual(folders, installedModules.map((module) => module.name).sort())
})

test('every module has the same layout: its index, register and routes, and only the layers the README names', () => {
  for (const name of readdirSync(modulesDir)) {
    const entries = readdirSync(`${modulesDir}/${name}`)
    for (const entry of required) assert.ok(entries.includes(entry), `${name} has no ${entry}`)
    const allowed = new Set([...required, ...layers, ...(rules[name] ?? [])])
    const strays = entries.filter((entry) => !allowed.has(entry) && !entry.endsWith('.test.ts'))
    assert.deepEqual(strays, [], `${name} holds what no layer names`)
  }
})

test('`…Page` functions, which render pages, live only in pages/ folders', () => {
  const strays: string[] = []
  for (const file of globSync('src/**/*.ts', { cwd: root })) {
    if (file.includes('/pages/') || file.endsWith('.test.ts')) continue
    const source = readFileSync(`${root}${file}`, 'utf8')
    for (const match of source.matchAll(/export (?:async )?function (\w+Page)\(/g))
      if (match[1] !== 'sendPage') strays.push(`${file}: ${match[1]}`)
  }
  assert.deepEqual(strays, [])
})

test('no error is made with its status outside a catalogue: every code is listed once, with its status', () => {
  const strays: string[] = []
  for (const file of globSync('src/**/*.ts', { cwd: root })) {
    // errors.ts defines the catalogue; error-pages.ts keeps the status Fastify gave its own errors.
    if (
      file.endsWith('.test.ts') ||
      file === 'src/platform/errors.ts' ||
      file === 'src/platform/error-pages.ts'
    )
      continue
    if (/new AppError\(/.test(readFileSync(`${root}${file}`, 'utf8'))) strays.push(file)
  }
  assert.deepEqual(strays, [])
})
