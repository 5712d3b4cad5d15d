/** The home page names only the parts this Lifeline runs: each installed module brings its own entry. */
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { buildApp } from '../../app.ts'
import { loadEnv } from '../../env.ts'
import { installedModules } from '../../modules.ts'

let store: TestStore

before(async () => {
  store = await testStore()
})
after(() => store.close())

async function homeOf(names: string[], language: string): Promise<string> {
  const env = loadEnv({ LIFELINE_DATA_DIR: store.dataDir })
  const modules = installedModules.filter((module) => names.includes(module.name))
  const app = await buildApp({ store, env, modules, logger: false })
  try {
    const response = await agent(app, language).get('/')
    assert.equal(response.statusCode, 200)
    return response.body
  } finally {
    await app.close()
  }
}

test('without the help desk installed, the home page does not mention it', async () => {
  const page = await homeOf(['home', 'staff', 'chronicle'], 'en')
  assert.match(page, /<h3>Chronicle<\/h3>/)
  assert.match(page, /href="\/chronicle"/)
  assert.doesNotMatch(page, /href="\/help"/)
  assert.doesNotMatch(page, /Help desk|helpdesk/i)
  // Parts not built yet are promised nowhere.
  assert.doesNotMatch(page, /Solidarity fund|Prisoner support/)
})

test('every installed module with a home entry appears, in the page language', async () => {
  const page = await homeOf(
    installedModules.map((module) => module.name),
    'ru',
  )
  assert.match(page, /<h3>Хроника<\/h3>/)
  assert.match(page, /<h3>Линия помощи<\/h3>/)
  assert.match(page, /href="\/help"/)
})
