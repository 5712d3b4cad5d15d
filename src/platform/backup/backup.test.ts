import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { engine, type TestStore, testStore } from '../../../test/support/db.ts'
import { createAccount, saveTotpSecret, unlockAccount } from '../auth/accounts.ts'
import { newTotpSecret } from '../auth/totp.ts'
import type { KeyPair } from '../crypto/primitives.ts'
import { openStore, type Store } from '../db/database.ts'
import { BackupError, backupTo, decryptBackup, type RestoreTarget, restoreFrom } from './backup.ts'
import { MAGIC } from './format.ts'
import { hasLifelineTables } from './native.ts'

const passphrase = 'a long enough backup passphrase'
const password = 'correct horse battery staple'
const email = 'backup-subject@example.org'

let store: TestStore
let work: string
let backupFile: string
let user: { id: string; keyPair: KeyPair; totpSecret: string }

/** A place to restore into that nothing has touched, how to open it, and whether it is still untouched. */
type Fresh = {
  target: RestoreTarget
  open(serverKeyFile?: string): Promise<Store>
  untouched(): Promise<boolean>
}
const cleanups: (() => Promise<void>)[] = []

async function freshTarget(force = false): Promise<Fresh> {
  if (engine === 'pglite') {
    const parent = mkdtempSync(join(work, 'target-'))
    const dataDir = join(parent, 'data')
    return {
      target: { engine: 'pglite', dataDir, force },
      // A restore opens only with the server key of the installation it came from.
      open: (serverKeyFile = store.serverKey.path) => openStore({ dataDir, serverKeyFile }),
      // Nothing at all: no data dir, and no half-built copy beside it.
      untouched: async () => readdirSync(parent).length === 0,
    }
  }
  const admin = new URL(process.env.LIFELINE_TEST_DATABASE_URL ?? '')
  admin.pathname = '/postgres'
  const name = `restore_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const client = new pg.Client({ connectionString: admin.href })
  await client.connect()
  await client.query(`CREATE DATABASE ${name} TEMPLATE template0`)
  await client.end()
  const url = new URL(admin.href)
  url.pathname = `/${name}`
  cleanups.push(async () => {
    const cleanup = new pg.Client({ connectionString: admin.href })
    await cleanup.connect()
    await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await cleanup.end()
  })
  return {
    target: { engine: 'postgres', databaseUrl: url.href, force },
    open: (serverKeyFile = store.serverKey.path) =>
      openStore({ dataDir: join(work, 'unused'), databaseUrl: url.href, serverKeyFile }),
    untouched: async () => !(await hasLifelineTables(url.href)),
  }
}

/** A copy of the backup changed by `edit`. */
function variant(name: string, edit: (bytes: Buffer) => Buffer): string {
  const file = join(work, name)
  writeFileSync(file, edit(Buffer.from(readFileSync(backupFile))))
  return file
}

async function refused(file: string, codes: string[], message?: RegExp): Promise<void> {
  const fresh = await freshTarget()
  await assert.rejects(restoreFrom(file, passphrase, fresh.target), (error: unknown) => {
    assert.ok(error instanceof BackupError, String(error))
    assert.ok(codes.includes(error.code), `${error.code}: ${error.message}`)
    if (message) assert.match(error.message, message)
    return true
  })
  assert.ok(await fresh.untouched(), 'the target was changed')
}

before(async () => {
  store = await testStore()
  work = mkdtempSync(join(tmpdir(), 'lifeline-backup-test-'))
  const account = await createAccount(store.db, { email, displayName: 'Subject', password, roles: ['admin'] })
  const totpSecret = newTotpSecret()
  await saveTotpSecret(store.db, account.id, account.keyPair.publicKey, totpSecret, 1)
  user = { ...account, totpSecret }
  backupFile = join(work, 'lifeline.llbackup')
  await backupTo(store, backupFile, passphrase)
})

after(async () => {
  for (const cleanup of cleanups) await cleanup()
  await store.close()
  rmSync(work, { recursive: true, force: true })
})

describe(`backup and restore (${engine})`, () => {
  it('writes a tagged file with a header and no leftover .partial', () => {
    const head = readFileSync(backupFile).subarray(0, 400).toString('latin1')
    assert.ok(head.startsWith(`${MAGIC}\n{"engine":"${engine}"`), head)
    assert.ok(!existsSync(`${backupFile}.partial`))
  })

  it('round-trips: the restored database has the user, who still signs in and has the TOTP secret', async () => {
    const fresh = await freshTarget()
    const { header } = await restoreFrom(backupFile, passphrase, fresh.target)
    assert.equal(header.engine, engine)
    const restored = await fresh.open()
    try {
      const unlocked = await unlockAccount(restored.db, email, password)
      assert.equal(unlocked?.id, user.id)
      assert.equal(unlocked?.totpSecret, user.totpSecret)
      assert.deepEqual(unlocked?.keyPair.privateKey, user.keyPair.privateKey)
    } finally {
      await restored.close()
    }
    // With another server key (the original lost, or never taken with the backup) the password opens nothing.
    const elsewhere = await fresh.open(join(work, `other-${Math.random().toString(36).slice(2)}.key`))
    try {
      assert.equal(await unlockAccount(elsewhere.db, email, password), null)
    } finally {
      await elsewhere.close()
    }
  })

  it('refuses a wrong passphrase and changes nothing', async () => {
    const fresh = await freshTarget()
    await assert.rejects(
      restoreFrom(backupFile, 'not the passphrase at all', fresh.target),
      (error: unknown) => error instanceof BackupError && error.code === 'ERR_BACKUP_WRONG_PASSPHRASE',
    )
    assert.ok(await fresh.untouched())
  })

  it('refuses a file with one byte flipped near its end', async () => {
    const file = variant('flipped.llbackup', (bytes) => {
      bytes[bytes.length - 20]! ^= 0x01
      return bytes
    })
    await refused(file, ['ERR_BACKUP_DAMAGED', 'ERR_BACKUP_WRONG_PASSPHRASE'])
  })

  it('refuses a file whose header was edited', async () => {
    const file = variant('edited-header.llbackup', (bytes) => {
      const at = bytes.indexOf('"created_at":"') + '"created_at":"'.length
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31
      return bytes
    })
    await refused(file, ['ERR_BACKUP_WRONG_PASSPHRASE'])
  })

  it('refuses a header with a salt of the wrong length as not a backup, before deriving a key', async () => {
    const file = variant('short-salt.llbackup', (bytes) => {
      const text = bytes.toString('latin1')
      const salt = /"salt":"([^"]+)"/.exec(text)![1]!
      return Buffer.from(text.replace(salt, Buffer.alloc(8, 7).toString('base64')), 'latin1')
    })
    await refused(file, ['ERR_BACKUP_NOT_A_BACKUP'])
  })

  it('refuses a file cut short, by a byte or at a chunk boundary', async () => {
    await refused(
      variant('short-by-one.llbackup', (bytes) => bytes.subarray(0, bytes.length - 1)),
      ['ERR_BACKUP_DAMAGED', 'ERR_BACKUP_WRONG_PASSPHRASE'],
    )
    const start = readFileSync(backupFile).indexOf(0x0a, MAGIC.length + 1) + 1
    const block = 64 * 1024 + 17
    const boundary = (bytes: Buffer) => start + block * Math.floor((bytes.length - start - 1) / block)
    await refused(
      variant('short-at-boundary.llbackup', (bytes) => bytes.subarray(0, boundary(bytes))),
      ['ERR_BACKUP_DAMAGED'],
      /cut short/,
    )
  })

  it('keeps passwords, TOTP secrets and private keys out of the dump', async () => {
    let dump: Buffer
    if (engine === 'pglite') {
      // The embedded backup is the rows as COPY writes them (bytea as hex).
      dump = (await decryptBackup(backupFile, passphrase)).plaintext
    } else {
      // pg_dump compresses table data by default; an uncompressed archive shows the rows as COPY text.
      const plainFile = join(work, 'uncompressed.llbackup')
      await backupTo(store, plainFile, passphrase, { compress: false })
      dump = (await decryptBackup(plainFile, passphrase)).plaintext
    }
    // The search works: data that is stored in the clear is found.
    assert.ok(dump.includes(Buffer.from(email)), 'the e-mail should be in the dump')
    const key = user.keyPair.privateKey
    const forbidden: [string, Buffer][] = [
      ['password', Buffer.from(password)],
      ['TOTP secret', Buffer.from(user.totpSecret)],
      ['private key', key],
      ['private key (hex)', Buffer.from(key.toString('hex'))],
      ['private key (base64)', Buffer.from(key.toString('base64'))],
    ]
    for (const [what, bytes] of forbidden) assert.ok(!dump.includes(bytes), `the ${what} is in the dump`)
  })

  it('refuses a backup into the other engine, before asking anything of the target', async () => {
    const other: RestoreTarget =
      engine === 'pglite'
        ? { engine: 'postgres', databaseUrl: 'postgres://nobody@127.0.0.1:1/none' }
        : { engine: 'pglite', dataDir: join(work, 'never-created') }
    await assert.rejects(
      restoreFrom(backupFile, passphrase, other),
      (error: unknown) => error instanceof BackupError && error.code === 'ERR_BACKUP_ENGINE_MISMATCH',
    )
    assert.ok(!existsSync(join(work, 'never-created')))
  })

  it('refuses a short passphrase and writes nothing', async () => {
    const file = join(work, 'weak.llbackup')
    await assert.rejects(
      backupTo(store, file, 'too short'),
      (error: unknown) => error instanceof BackupError && error.code === 'ERR_BACKUP_WEAK_PASSPHRASE',
    )
    assert.ok(!existsSync(file) && !existsSync(`${file}.partial`))
  })

  it('refuses a target that holds data unless forced; forced, it keeps the old data', async () => {
    const fresh = await freshTarget()
    if (fresh.target.engine === 'pglite') {
      mkdirSync(fresh.target.dataDir, { recursive: true })
      writeFileSync(join(fresh.target.dataDir, 'old-data'), 'precious')
    } else {
      await restoreFrom(backupFile, passphrase, fresh.target)
    }
    await assert.rejects(
      restoreFrom(backupFile, passphrase, fresh.target),
      (error: unknown) => error instanceof BackupError && error.code === 'ERR_BACKUP_TARGET_NOT_EMPTY',
    )
    const { movedAside } = await restoreFrom(backupFile, passphrase, { ...fresh.target, force: true })
    if (fresh.target.engine === 'pglite') {
      assert.match(movedAside ?? '', /\.before-restore-/)
      assert.equal(readFileSync(join(movedAside ?? '', 'old-data'), 'utf8'), 'precious')
    }
    const restored = await fresh.open()
    try {
      const row = await restored.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', email)
        .executeTakeFirst()
      assert.equal(row?.id, user.id)
    } finally {
      await restored.close()
    }
  })

  it('refuses an embedded data dir that a running Lifeline holds', {
    skip: engine !== 'pglite',
  }, async () => {
    await assert.rejects(
      restoreFrom(backupFile, passphrase, { engine: 'pglite', dataDir: store.dataDir, force: true }),
      (error: unknown) => error instanceof BackupError && error.code === 'ERR_BACKUP_TARGET_IN_USE',
    )
  })
})
