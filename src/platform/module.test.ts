import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { installedModules } from '../modules.ts'
import { defineJob } from './jobs/queue.ts'
import { type LifelineModule, moduleJobs, modulePermissions } from './module.ts'
import { definePermission } from './policy.ts'

const register = () => {}

describe('module descriptors', () => {
  it('refuse two permissions of one name, which would share their grants', () => {
    const a: LifelineModule = { name: 'a', permissions: [definePermission('x.read', ['admin'])], register }
    const b: LifelineModule = {
      name: 'b',
      permissions: [definePermission('x.read', ['volunteer'])],
      register,
    }
    assert.throws(() => modulePermissions([a, b]), /Permission x\.read is declared twice/)
    assert.equal(modulePermissions([a]).length, 1)
  })

  it('refuse two jobs of one name, which would share a queue', () => {
    const job = () => defineJob({ name: 'sweep', handler: async () => {} })
    const a: LifelineModule = { name: 'a', jobs: [job()], register }
    const b: LifelineModule = { name: 'b', jobs: [job()], register }
    assert.throws(() => moduleJobs([a, b]), /Job sweep is declared twice/)
  })

  it('of the installed modules declare each permission and job once', () => {
    assert.ok(modulePermissions(installedModules).length >= 6)
    assert.ok(moduleJobs(installedModules).length >= 3)
    assert.equal(new Set(installedModules.map((module) => module.name)).size, installedModules.length)
  })
})
