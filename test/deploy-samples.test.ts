/**
 * docs/deploy.md and its sample files agree with the app and with each other: every setting they name
 * is one Lifeline reads (and their values parse), the unit, proxy and onion service meet at the same
 * address and folders, the proxy lets the largest accepted body through, and the roles' SQL gives a
 * least-privilege setup the app starts on.
 */
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { glob } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import { loadEnv } from '../src/env.ts'
import { uploadLimitBytes } from '../src/modules/chronicle/routes/import.ts'
import { allJobs } from '../src/modules.ts'
import { attachErasureKeys } from '../src/platform/crypto/erasure-keys.ts'
import { openStore } from '../src/platform/db/database.ts'
import { prepareDatabase } from '../src/platform/db/prepare.ts'
import { MAX_PHOTO_BYTES, MAX_PHOTOS } from '../src/platform/intake/photos.ts'
import { engine } from './support/db.ts'

const folder = 'docs/deploy'
const read = (name: string) => readFileSync(join(folder, name), 'utf8')
const guide = readFileSync('docs/deploy.md', 'utf8')
const samples = Object.fromEntries(readdirSync(folder).map((name) => [name, read(name)]))

/** KEY=VALUE lines, as systemd's EnvironmentFile reads them. */
function environmentFile(text: string): Record<string, string> {
  const values: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (match) values[match[1]!] = match[2]!
  }
  return values
}

/** Every value a directive (nginx, torrc) or unit key (systemd) is given, in order. */
function directives(text: string, name: string): string[] {
  const pattern = new RegExp(`^\\s*${name}[\\s=]+(.+?);?\\s*$`, 'gm')
  return [...text.matchAll(pattern)].map((match) => match[1]!)
}

const sampleEnv = environmentFile(read('lifeline.env'))
const env = loadEnv(sampleEnv)
const appAddress = `${env.HOST}:${env.PORT}`

// A name the app reads outside src/env.ts (the backup passphrase: never a setting the server keeps).
async function readBySource(name: string): Promise<boolean> {
  for await (const file of glob('src/**/*.ts')) {
    if (file.endsWith('.test.ts')) continue
    if (new RegExp(`['"\`]${name}['"\`]|process\\.env\\.${name}\\b`).test(readFileSync(file, 'utf8')))
      return true
  }
  return false
}

// psql's own variable, in the guide's command line; not a setting.
const notSettings = new Set(['ON_ERROR_STOP'])

describe('the deployment samples', () => {
  it('name only settings Lifeline reads, with values that parse', async () => {
    const texts = [guide, ...Object.values(samples)]
    const named = new Map<string, string | undefined>()
    for (const text of texts) {
      for (const [, name] of text.matchAll(/\b(LIFELINE_[A-Z0-9_]+)\b/g)) named.set(name!, named.get(name!))
      for (const [, name, value] of text.matchAll(/\b([A-Z][A-Z0-9_]{2,})=('[^']*'|"[^"]*"|[^\s;'"`]+)/g)) {
        if (notSettings.has(name!)) continue
        named.set(name!, named.get(name!) ?? value!.replace(/^['"]|['"]$/g, ''))
      }
    }
    assert.ok(named.has('LIFELINE_MIGRATION_DATABASE_URL') && named.has('DATABASE_URL'))
    for (const [name, value] of named) {
      // zod keeps only the settings it knows: a name that comes back is one env.ts reads.
      const given = value ?? sampleEnv[name]
      if (given !== undefined) {
        const parsed = loadEnv({ ...sampleEnv, [name]: given }) as Record<string, unknown>
        if (name in parsed) continue
      }
      assert.ok(await readBySource(name), `${name} is neither in src/env.ts nor read anywhere in src/`)
    }
  })

  it('meet at one address: the unit listens where nginx and Tor forward', () => {
    assert.equal(env.HOST, '127.0.0.1', 'the app listens on loopback only')
    const passes = directives(samples['nginx-lifeline.conf']!, 'proxy_pass')
    assert.ok(passes.length > 0)
    for (const target of passes) assert.equal(target, `http://${appAddress}`)
    assert.deepEqual(directives(samples.torrc!, 'HiddenServicePort'), [`80 ${appAddress}`])
    assert.equal(
      new URL(env.publicUrl).hostname,
      directives(samples['nginx-lifeline.conf']!, 'server_name')[0],
    )
    assert.ok(env.publicUrl.startsWith('https://'), 'the app sends HSTS itself')
    assert.doesNotMatch(samples['nginx-lifeline.conf']!, /Strict-Transport-Security/i)
  })

  it('let the app believe nginx about addresses, and no one else', () => {
    const nginx = samples['nginx-lifeline.conf']!
    const binds = directives(nginx, 'proxy_bind')
    assert.equal(binds.length, directives(nginx, 'proxy_pass').length, 'every proxied location binds')
    assert.ok(Array.isArray(env.LIFELINE_TRUST_PROXY))
    for (const address of binds) assert.deepEqual(env.LIFELINE_TRUST_PROXY, [address])
    assert.notEqual(binds[0], env.HOST, "Tor's connections (from 127.0.0.1) are not trusted")
    for (const header of directives(nginx, 'proxy_set_header').filter((h) => h.startsWith('X-Forwarded-For')))
      assert.equal(header, 'X-Forwarded-For $remote_addr', 'replaced, never appended to')
  })

  it('log no address or time, and nothing of the help desk', () => {
    const nginx = samples['nginx-lifeline.conf']!
    for (const format of directives(nginx, 'log_format'))
      assert.doesNotMatch(format, /remote_addr|time|forwarded/)
    const help = /location \/help \{([^}]*)\}/.exec(nginx)?.[1] ?? ''
    assert.match(help, /access_log off;/)
    assert.match(help, /error_log \/dev\/null;/)
    assert.match(nginx, /proxy_request_buffering off;/)
    assert.match(nginx, /proxy_max_temp_file_size 0;/)
    assert.equal(sampleEnv.LOG_LEVEL, 'warn')
  })

  it("let through the app's largest accepted body", () => {
    const [size] = directives(samples['nginx-lifeline.conf']!, 'client_max_body_size')
    const match = /^(\d+)([km]?)$/.exec(size ?? '')
    assert.ok(match, `client_max_body_size ${size}`)
    const bytes = Number(match[1]) * ({ '': 1, k: 1024, m: 1024 * 1024 }[match[2]!] ?? 1)
    // The multipart forms' files plus their fields at the limits the routes set, and room for framing.
    const importBody = uploadLimitBytes + 8 * 1000
    const helpBody = (MAX_PHOTOS + 1) * MAX_PHOTO_BYTES + 40 * 25_000
    const framing = 64 * 1024
    assert.ok(bytes >= Math.max(importBody, helpBody, 256 * 1024) + framing, `${bytes} bytes`)
  })

  it('keep the server to its folders and the backups away from the erasure keys', () => {
    const unit = samples['lifeline.service']!
    const backup = samples['lifeline-backup.service']!
    const envFile = '/etc/lifeline/lifeline.env'
    assert.deepEqual(directives(unit, 'EnvironmentFile'), [envFile])
    assert.deepEqual(directives(backup, 'EnvironmentFile'), [envFile])
    assert.ok(samples['lifeline.env']!.startsWith(`# ${envFile}:`))
    assert.match(guide, new RegExp(envFile))
    const writable = directives(unit, 'ReadWritePaths').flatMap((line) => line.split(/\s+/))
    assert.deepEqual(
      writable.sort(),
      [
        sampleEnv.LIFELINE_DATA_DIR,
        sampleEnv.LIFELINE_ERASURE_KEYS_DIR,
        dirname(sampleEnv.LIFELINE_SERVER_KEY_FILE!),
      ].sort(),
    )
    for (const [key, value] of Object.entries({
      Restart: 'always',
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      PrivateTmp: 'yes',
    }))
      assert.deepEqual(directives(unit, key), [value], key)
    const workdir = directives(unit, 'WorkingDirectory')[0]!
    assert.match(
      directives(unit, 'ExecStart')[0]!,
      new RegExp(`^${workdir}/node_modules/node/bin/node src/main\\.ts$`),
    )

    const out = /--out "([^"]+)\/[^/"]+"/.exec(directives(backup, 'ExecStart')[0]!)?.[1]
    assert.ok(out)
    assert.deepEqual(directives(backup, 'ReadWritePaths'), [out])
    assert.match(directives(backup, 'ExecStartPost')[0]!, new RegExp(`find ${out} `))
    assert.deepEqual(directives(backup, 'InaccessiblePaths'), [`-${sampleEnv.LIFELINE_ERASURE_KEYS_DIR}`])
    const credential = directives(backup, 'LoadCredential')[0]!.split(':')[1]!
    assert.match(guide, new RegExp(credential))
    assert.match(samples['lifeline-backup.timer']!, /^Persistent=true$/m)
  })

  it("turn on Tor's defences against floods", () => {
    const torrc = samples.torrc!
    assert.deepEqual(directives(torrc, 'HiddenServicePoWDefensesEnabled'), ['1'])
    assert.deepEqual(directives(torrc, 'HiddenServiceEnableIntroDoSDefense'), ['1'])
    for (const name of ['HiddenServicePoWQueueRate', 'HiddenServicePoWQueueBurst'])
      assert.ok(Number(directives(torrc, name)[0]) > 0, name)
  })
})

// Roles are the whole cluster's: this run's own names, dropped afterwards.
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`
const names = { owner: `deploy_owner_${suffix}`, app: `deploy_app_${suffix}`, database: `deploy_${suffix}` }
const skip = engine !== 'postgres' && 'native PostgreSQL only: the embedded database has no roles to set up'

describe("the roles' SQL", { skip }, () => {
  const urlAs = (role: string, database: string) => {
    const url = new URL(process.env.LIFELINE_TEST_DATABASE_URL!)
    url.username = role
    url.pathname = `/${database}`
    return url.href
  }
  const run = async (database: string, statements: string[]) => {
    const client = new pg.Client({ connectionString: urlAs('postgres', database) })
    await client.connect()
    try {
      for (const statement of statements) await client.query(statement)
    } finally {
      await client.end()
    }
  }
  after(() =>
    run('postgres', [
      `DROP DATABASE IF EXISTS ${names.database} WITH (FORCE)`,
      `DROP ROLE IF EXISTS ${names.app}`,
      `DROP ROLE IF EXISTS ${names.owner}`,
    ]),
  )

  it('set up a database the app starts on with no more than it needs', async () => {
    const sqlText = read('postgres-roles.sql')
      .replace(/\blifeline_owner\b/g, names.owner)
      .replace(/\blifeline_app\b/g, names.app)
      .replace(/\blifeline\b/g, names.database)
    const [cluster, database] = sqlText.split(`\\connect ${names.database}`)
    const statements = (text = '') =>
      text
        .split('\n')
        .filter((line) => !line.startsWith('--'))
        .join('\n')
        .split(';')
        .map((statement) => statement.trim())
        .filter(Boolean)
    await run('postgres', statements(cluster))
    await run(names.database, statements(database))

    const dataDir = 'unused-by-native'
    const store = await openStore({ databaseUrl: urlAs(names.app, names.database), dataDir })
    attachErasureKeys(store, { dataDir })
    try {
      const settings = loadEnv({
        DATABASE_URL: urlAs(names.app, names.database),
        LIFELINE_MIGRATION_DATABASE_URL: urlAs(names.owner, names.database),
      })
      const { applied, excess } = await prepareDatabase(settings, store, allJobs())
      assert.ok(applied.length > 0)
      assert.deepEqual(excess, [])
      const outsider = new pg.Client({ connectionString: urlAs('nobody_else', names.database) })
      await assert.rejects(outsider.connect(), /role "nobody_else" does not exist|permission denied/)
    } finally {
      await store.close()
    }
  })
})
