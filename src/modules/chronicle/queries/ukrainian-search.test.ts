import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { insertEvents } from '../testing/events.ts'

let t: TestApp
let visitor: Agent
let kyiv: number
let other: number

before(async () => {
  t = await testApp()
  visitor = agent(t.app, 'uk')
  const ids = await insertEvents(t.store.db, [
    {
      title: { uk: 'Затримали протестувальників біля суду' },
      summary: { uk: 'Поліція затримала сімох активістів з плакатами «Ні війні».' },
      start_date: '2023-05-04',
      start_precision: 'day',
    },
    { title: { uk: 'Обшук у редакції' }, start_date: '2023-05-05', start_precision: 'day' },
  ])
  ;[kyiv, other] = [ids[0]!, ids[1]!]
})
after(() => t.close())

const found = async (q: string) => {
  const body = (await visitor.get(`/chronicle?q=${encodeURIComponent(q)}`)).body
  return [...body.matchAll(/href="\/chronicle\/events\/(\d+)"/g)].map((match) => Number(match[1]))
}

describe('Ukrainian search', () => {
  it('finds other inflected forms of a Ukrainian word', async () => {
    for (const q of ['протестувальники', 'протестувальниками', 'активісти', 'активістам', 'суд', 'плакат']) {
      const ids = await found(q)
      assert.ok(ids.includes(kyiv), q)
      assert.ok(!ids.includes(other), q)
    }
    assert.deepEqual(await found('обшуку'), [other])
  })

  it('does not match a different word that shares only a beginning', async () => {
    assert.deepEqual(await found('судно'), [])
    assert.deepEqual(await found('плакатник'), [])
  })

  it('keeps quoted phrases and exclusions working', async () => {
    assert.ok((await found('"затримали протестувальників"')).includes(kyiv))
    assert.ok(!(await found('протестувальники -суду')).includes(kyiv))
  })

  it('stems each word by one ending, leaving short words and other scripts alone', async () => {
    const { rows } = await sql<{ stems: string }>`
      SELECT chronicle_uk_stems('Протестувальниками СУДУ суд мʼячами «Ні» protesters затрималися') AS stems`.execute(
      t.store.db,
    )
    assert.equal(rows[0]?.stems, 'протестувальник суд суд мʼяч «ні» protesters затрима')
  })
})
