import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { defaultErasureKeysDir, ErasureKeys } from './erasure-keys.ts'

const dir = mkdtempSync(join(tmpdir(), 'lifeline-erasure-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('erasure keys', () => {
  for (const durable of [false, true]) {
    it(`are made once, read back and destroyed for good (${durable ? 'flushed' : 'unflushed'})`, async () => {
      const keys = new ErasureKeys(join(dir, String(durable)), durable)
      const id = randomUUID()
      const key = await keys.create(id)
      assert.equal(key.length, 32)
      assert.deepEqual(await keys.read(id), key)
      assert.equal(statSync(join(keys.dir, id.slice(0, 2), id)).mode & 0o777, 0o600)
      await assert.rejects(keys.create(id), /EEXIST/)
      await keys.destroy(id)
      assert.equal(await keys.read(id), null)
      await keys.destroy(id)
      assert.equal(await keys.read(randomUUID()), null, 'one never made')
    })
  }

  for (const durable of [false, true])
    it(`make their folder again if it was removed while the process ran (${durable ? 'flushed' : 'unflushed'})`, async () => {
      const keys = new ErasureKeys(join(dir, `tidied-${durable}`), durable)
      const first = randomUUID()
      await keys.create(first)
      rmSync(keys.dir, { recursive: true, force: true })
      const second = `${first.slice(0, 2)}${randomUUID().slice(2)}`
      assert.equal((await keys.create(second)).length, 32)
      assert.equal((await keys.read(second))?.length, 32)
    })

  it('refuse any id that is not a UUID, so no name reaches outside the folder', async () => {
    const keys = new ErasureKeys(join(dir, 'hostile'), false)
    for (const id of ['../../etc/passwd', '', 'x'.repeat(36), `${randomUUID()}/..`, "1' OR '1'='1"]) {
      await assert.rejects(async () => keys.read(id), /Not an erasure key id/)
      await assert.rejects(async () => keys.destroy(id), /Not an erasure key id/)
      await assert.rejects(async () => keys.create(id), /Not an erasure key id/)
    }
    assert.deepEqual(readdirSync(dir).includes('hostile'), false, 'nothing was written')
  })

  it('live beside the data dir by default, never inside it', () => {
    assert.equal(defaultErasureKeysDir('/srv/lifeline/data/'), '/srv/lifeline/data-erasure-keys')
  })
})
