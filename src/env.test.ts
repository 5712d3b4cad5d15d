import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { EnvError, loadEnv } from './env.ts'

describe('settings', () => {
  it('has working defaults', () => {
    const env = loadEnv({})
    assert.equal(env.HOST, '127.0.0.1')
    assert.equal(env.PORT, 8080)
    assert.equal(env.LIFELINE_DATA_DIR, './data')
    assert.equal(env.DATABASE_URL, undefined)
    assert.equal(env.publicUrl, 'http://127.0.0.1:8080')
    assert.equal(env.LOG_LEVEL, 'info')
    assert.equal(env.LIFELINE_TRUST_PROXY, false)
    assert.equal(env.LIFELINE_REQUEST_TIMEOUT_S, 120)
  })

  it('treats an empty value as unset', () => {
    assert.equal(loadEnv({ DATABASE_URL: '', PORT: '' }).PORT, 8080)
  })

  it('names each invalid setting', () => {
    const cases: Record<string, string> = {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://localhost/x',
      LIFELINE_PUBLIC_URL: 'ftp://example.org',
      LOG_LEVEL: 'loud',
      LIFELINE_TRUST_PROXY: 'maybe',
      // Under 10 s a photo upload could never finish; 0 would turn the deadline off.
      LIFELINE_REQUEST_TIMEOUT_S: '0',
    }
    for (const [name, value] of Object.entries(cases)) {
      assert.throws(
        () => loadEnv({ [name]: value }),
        (error: Error) => error instanceof EnvError && error.message.includes(name),
        name,
      )
    }
    assert.throws(() => loadEnv({ PORT: '70000' }), /PORT/)
  })

  it('takes the public address without a trailing slash', () => {
    assert.equal(
      loadEnv({ LIFELINE_PUBLIC_URL: 'https://lifeline.example/' }).publicUrl,
      'https://lifeline.example',
    )
  })

  it('takes a migration URL only beside DATABASE_URL, as the embedded database has one user', () => {
    const owner = 'postgres://lifeline_owner@127.0.0.1/lifeline'
    const env = loadEnv({
      DATABASE_URL: 'postgres://lifeline_app@127.0.0.1/lifeline',
      LIFELINE_MIGRATION_DATABASE_URL: owner,
    })
    assert.equal(env.LIFELINE_MIGRATION_DATABASE_URL, owner)
    assert.equal(loadEnv({}).LIFELINE_MIGRATION_DATABASE_URL, undefined)
    assert.throws(
      () => loadEnv({ LIFELINE_MIGRATION_DATABASE_URL: owner }),
      /LIFELINE_MIGRATION_DATABASE_URL: needs DATABASE_URL/,
    )
    assert.throws(
      () => loadEnv({ DATABASE_URL: owner, LIFELINE_MIGRATION_DATABASE_URL: 'mysql://x/y' }),
      /LIFELINE_MIGRATION_DATABASE_URL/,
    )
  })
})
