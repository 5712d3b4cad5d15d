/**
 * The page list (test/support/pages.ts) that the gallery draws and the page checks walk holds every
 * page: each GET route is in it or excluded with a reason, so a new module's pages join it or fail here.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestApp, testApp } from './support/app.ts'
import { exclusionOf, pageList } from './support/pages.ts'
import type { Sample } from './support/sample-data.ts'

let t: TestApp
before(async () => {
  t = await testApp()
})
after(() => t.close())

// The list's routes and names do not depend on the sample's values, only its paths do.
const placeholders = (): Sample => {
  const any: unknown = new Proxy(() => '0', {
    get: (_target, key) => (key === Symbol.toPrimitive ? () => '0' : any),
  })
  return any as Sample
}

describe('the page list', () => {
  it('holds every GET route, or excludes it with a reason', () => {
    const listed = new Set(pageList(placeholders()).map((entry) => entry.route))
    const missing = t.app.lifelineRoutes
      .filter((route) => route.method === 'GET')
      .map((route) => route.url)
      .filter((url) => !listed.has(`GET ${url}`) && !exclusionOf(url))
    assert.deepEqual(missing, [], 'add these pages to test/support/pages.ts, or exclude them with a reason')
  })

  it('names only routes that exist, and excludes none it lists', () => {
    const routes = new Set(t.app.lifelineRoutes.map((route) => `${route.method} ${route.url}`))
    for (const entry of pageList(placeholders())) {
      if (entry.route === null) continue
      assert.ok(routes.has(entry.route), `${entry.name}: no route ${entry.route}`)
      assert.equal(exclusionOf(entry.route.split(' ')[1]!), undefined, `${entry.name} is also excluded`)
    }
  })

  it('gives each page a name of its own', () => {
    const names = pageList(placeholders()).map((entry) => entry.name)
    assert.deepEqual(
      names.filter((name, index) => names.indexOf(name) !== index),
      [],
    )
  })
})
