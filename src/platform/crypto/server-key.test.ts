import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { randomBytes } from './primitives.ts'
import { checkServerKey, defaultServerKeyFile, ServerKey, ServerKeyError } from './server-key.ts'

let store: TestStore
let work: string
before(async () => {
  store = await testStore()
  work = mkdtempSync(join(tmpdir(), 'lifeline-server-key-'))
})
after(async () => {
  await store.close()
  rmSync(work, { recursive: true, force: true })
})

test('is made at first use beside the data dir, never inside it, readable by its owner only', async () => {
  const dataDir = join(work, 'data')
  const path = defaultServerKeyFile(dataDir)
  assert.equal(dirname(path), work)
  const key = await ServerKey.load(path)
  assert.equal(statSync(path).mode & 0o777, 0o600)
  assert.equal(readFileSync(path).length, 32)
  const again = await ServerKey.load(path)
  assert.deepEqual(again.derive('purpose'), key.derive('purpose'), 'the same file gives the same keys')
  assert.notDeepEqual(key.derive('one purpose'), key.derive('another purpose'))
  assert.equal(key.derive('purpose').includes(readFileSync(path)), false)
})

test('a damaged file is refused, not replaced', async () => {
  const path = join(work, 'short.key')
  writeFileSync(path, randomBytes(31))
  await assert.rejects(ServerKey.load(path), ServerKeyError)
  assert.equal(readFileSync(path).length, 31, 'the file is left for the operator to look at')
})

test('the database remembers its server key, and refuses another one', async () => {
  await checkServerKey(store.db, store.serverKey)
  await checkServerKey(store.db, store.serverKey)
  const other = ServerKey.fromBytes(randomBytes(32))
  await assert.rejects(checkServerKey(store.db, other), (error: unknown) => {
    assert.ok(error instanceof ServerKeyError)
    assert.match(error.message, /not the one this database was set up with/)
    return true
  })
  const stored = await store.db
    .selectFrom('settings')
    .select('value')
    .where('key', '=', 'server_key_check')
    .execute()
  assert.equal(stored.length, 1)
})
