import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn } from '../../../test/support/factories.ts'
import { termIds } from '../chronicle/index.ts'
import { addWorker } from './desks.ts'
import { categoryStems, rankWorkers, type Worker } from './suggest.ts'
import { helpdeskWith, sendDetained } from './testing.ts'

const worker = (id: string, regionIds: number[], specialties: string[]): Worker => ({
  id,
  name: id,
  regionIds,
  specialties,
})

describe('suggested workers', () => {
  const moscow = 77
  const workers = [
    worker('elsewhere', [50], ['уголовные дела']),
    worker('anywhere', [], []),
    worker('moscow-busy', [moscow], []),
    worker('moscow-free', [moscow], []),
    worker('moscow-criminal', [moscow], ['Уголовные дела', 'обыски']),
    worker('anywhere-criminal', [], ['criminal defence']),
  ]
  const open = new Map([
    ['moscow-busy', 4],
    ['moscow-free', 1],
    ['moscow-criminal', 9],
  ])

  it('puts those who take the region first, then every region, then the rest; the specialty, then the load', () => {
    const ranked = rankWorkers(workers, { regionId: moscow, category: 'criminal' }, open)
    assert.deepEqual(
      ranked.map((item) => item.id),
      ['moscow-criminal', 'moscow-free', 'moscow-busy', 'anywhere-criminal', 'anywhere', 'elsewhere'],
    )
    assert.deepEqual(
      ranked.map((item) => [item.region, item.specialty, item.open]),
      [
        ['named', true, 9],
        ['named', false, 1],
        ['named', false, 4],
        ['all', true, 0],
        ['all', false, 0],
        ['other', true, 0],
      ],
    )
  })

  it('matches specialties to a category in any of the three languages', () => {
    assert.ok(categoryStems('search').has('обыск'))
    assert.ok(categoryStems('detention').has('deten'))
    const ranked = rankWorkers(
      [worker('a', [], ['Задержания, ОВД']), worker('b', [], ['fines'])],
      { regionId: null, category: 'detention' },
      new Map(),
    )
    assert.deepEqual(
      ranked.map((item) => [item.id, item.specialty]),
      [
        ['a', true],
        ['b', false],
      ],
    )
  })
})

describe('the report page’s assignment list', () => {
  let t: TestApp
  after(() => t?.close())

  it('offers first, marked as suggested, the worker who takes the report’s region and category', async () => {
    t = await testApp()
    const { db } = t.store
    const admin = await createStaff(db, { roles: ['admin'] })
    const coordinator = await createStaff(db, { roles: ['coordinator'] })
    const elsewhere = await createStaff(db, { roles: ['lawyer'] })
    const moscow = await createStaff(db, { roles: ['lawyer'] })
    const deskId = await helpdeskWith(db, admin.id, [coordinator.id])
    const [region] = (await termIds(db, 'region', ['RU-MOW']))!
    const [spb] = (await termIds(db, 'region', ['RU-SPE']))!
    await addWorker(db, { deskId, userId: elsewhere.id, actorId: admin.id, regionIds: [spb!] })
    await addWorker(db, {
      deskId,
      userId: moscow.id,
      actorId: admin.id,
      regionIds: [region!],
      specialties: ['<b>задержания</b>'],
    })
    assert.equal(
      (await sendDetained(agent(t.app, 'en'), { who: 'Someone', region: 'RU-MOW' })).statusCode,
      201,
    )
    const report = await db.selectFrom('helpdesk_reports').select('id').executeTakeFirstOrThrow()

    const page = await (await signIn(t.app, coordinator)).get(`/staff/helpdesk/reports/${report.id}`)
    assert.equal(page.statusCode, 200)
    const select = /<select[^>]*name="assignee"[^>]*>([\s\S]*?)<\/select>/.exec(page.body)?.[1] ?? ''
    const options = [...select.matchAll(/<option value="([^"]*)"[^>]*>([^<]*)<\/option>/g)].map((m) => [
      m[1],
      m[2],
    ])
    assert.equal(options[1]![0], moscow.id)
    assert.match(options[1]![1]!, /Moscow; &#60;b&#62;задержания&#60;\/b&#62;; 0 open \(suggested\)$/)
    assert.equal(options.at(-1)![0], elsewhere.id)
  })
})
