import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import type { Db } from '../../platform/db/database.ts'
import { publicCounts, publishedPeriods } from './queries/counts.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { sendDetained } from './testing/forms.ts'

let t: TestApp
let admin: TestStaff
let regions: Record<'MOW' | 'TUL' | 'KGD', number>

before(async () => {
  ;({ t, admin } = await appWithDesk(['lawyer']))
  const rows = await t.store.db
    .selectFrom('vocab_terms')
    .select(['id', 'code'])
    .where('code', 'in', ['RU-MOW', 'RU-TUL', 'RU-KGD'])
    .execute()
  const id = (code: string) => rows.find((row) => row.code === code)!.id
  regions = { MOW: id('RU-MOW'), TUL: id('RU-TUL'), KGD: id('RU-KGD') }
})
after(() => t.close())

/** Counts kept of deleted reports (as retention keeps them): `received` per day and region. */
async function kept(db: Db, rows: { day: string; region: number; received: number }[]) {
  await db.deleteFrom('helpdesk_counts').execute()
  if (rows.length)
    await db
      .insertInto('helpdesk_counts')
      .values(rows.map((row) => ({ day: row.day, region_id: row.region, received: row.received, helped: 0 })))
      .execute()
}

describe('the periods the public counts cover', () => {
  it('are days that ended 48 hours ago, and whole months that did', () => {
    assert.deepEqual(publishedPeriods(new Date('2026-12-06T14:00:00Z')), {
      lastDay: '2026-12-03',
      firstDay: '2026-10-05',
      regionsThrough: '2026-11-30',
    })
    // The 4th ended at midnight on the 5th: 48 hours later, on the 7th, it is counted.
    assert.equal(publishedPeriods(new Date('2026-12-06T23:59:59Z')).lastDay, '2026-12-03')
    assert.equal(publishedPeriods(new Date('2026-12-07T00:00:00Z')).lastDay, '2026-12-04')
    // November ended at midnight on 1 December: its regions are counted from the 3rd.
    assert.equal(publishedPeriods(new Date('2026-12-02T23:59:59Z')).regionsThrough, '2026-10-31')
    assert.equal(publishedPeriods(new Date('2026-12-03T00:00:00Z')).regionsThrough, '2026-11-30')
  })
})

describe('public counts', () => {
  it('do not move when a report comes in, nor in the two days after', async () => {
    await kept(t.store.db, [{ day: '2026-11-10', region: regions.MOW, received: 9 }])
    const visitor = agent(t.app, 'en')
    const before = await visitor.get('/api/v1/helpdesk/counts')
    const page = await visitor.get('/help/counts')
    const sent = await sendDetained(agent(t.app, 'en'), { who: 'Someone', region: 'RU-TUL' })
    assert.equal(sent.statusCode, 201)
    assert.equal((await visitor.get('/api/v1/helpdesk/counts')).body, before.body)
    assert.equal((await visitor.get('/help/counts')).body, page.body)
    // Two days on, the day is counted; the region only once its month has ended.
    const later = await publicCounts(t.store.db, new Date(Date.now() + 3 * 86_400_000))
    assert.ok(later.byDay.some((row) => row.day === new Date().toISOString().slice(0, 10)))
    await t.store.db.deleteFrom('helpdesk_reports').execute()
  })

  it('leave a hidden region that subtraction cannot recover', async () => {
    const now = new Date('2026-12-06T12:00:00Z')
    // Two worlds that differ only in the small region: 1 report or 2 from Kaliningrad, one fewer or
    // more from Moscow. The days are the same in both: shown exactly (8 and 12).
    const world = (kaliningrad: number) => [
      { day: '2026-11-10', region: regions.KGD, received: kaliningrad },
      { day: '2026-11-10', region: regions.MOW, received: 8 - kaliningrad },
      { day: '2026-11-20', region: regions.MOW, received: 5 },
      { day: '2026-11-20', region: regions.TUL, received: 7 },
    ]
    await kept(t.store.db, world(1))
    const one = await publicCounts(t.store.db, now)
    await kept(t.store.db, world(2))
    const two = await publicCounts(t.store.db, now)
    assert.deepEqual(one, two, 'nothing published tells the two worlds apart')

    // The attack, as the review made it: everything counted by day, minus the shown regions.
    const total = one.byDay.reduce((sum, row) => sum + (row.received ?? Number.NaN), 0)
    assert.equal(total, 20, 'every day is shown exactly')
    const shown = one.byRegion.reduce((sum, row) => sum + (row.received ?? 0), 0)
    assert.ok(one.byRegion.some((row) => row.regionId === regions.KGD && row.received === null))
    assert.notEqual(total - shown, 1, 'the difference is not the hidden count')
    assert.notEqual(total - shown, 2)
  })

  it('show small days as hidden and list no region rounded to nothing', async () => {
    await kept(t.store.db, [
      { day: '2026-11-25', region: regions.MOW, received: 3 },
      { day: '2026-11-26', region: regions.TUL, received: 6 },
    ])
    const counts = await publicCounts(t.store.db, new Date('2026-12-06T12:00:00Z'))
    assert.deepEqual(
      counts.byDay.map((row) => [row.day, row.received]),
      [
        ['2026-11-26', 6],
        ['2026-11-25', null],
      ],
    )
    assert.deepEqual(
      counts.byRegion.map((row) => [row.regionId, row.received]).sort(),
      [
        [regions.MOW, null],
        [regions.TUL, 5],
      ].sort(),
    )
  })

  it('say on the page exactly what is hidden: "1–4" in the cells, and what is left out', async () => {
    await kept(t.store.db, [
      { day: '2026-11-25', region: regions.MOW, received: 3 },
      { day: '2026-11-26', region: regions.TUL, received: 6 },
    ])
    const texts = {
      en: ['Days and regions with no reports are left out', 'shown as "1–4"'],
      ru: ['Дни и регионы без обращений не показаны', 'показаны как «1–4»'],
      uk: ['Дні та регіони без звернень не показано', 'показано як «1–4»'],
    }
    for (const [language, intro] of Object.entries(texts)) {
      const page = (await agent(t.app, language).get('/help/counts')).body.replaceAll('&#34;', '"')
      for (const text of intro) assert.ok(page.includes(text), `${language}: ${text}`)
      assert.match(page, /<td class="num">1–4<\/td>/)
      assert.doesNotMatch(page, /fewer than|меньше|менше/)
    }
  })

  it('may be kept by shared caches, except a page a signed-in member sees', async () => {
    const visitor = agent(t.app, 'en')
    const open = await visitor.get('/help/counts')
    assert.equal(open.headers['cache-control'], 'public, max-age=300')
    assert.equal(open.headers['set-cookie'], undefined)
    const member = await signIn(t.app, admin)
    const own = await member.get('/help/counts')
    assert.equal(own.statusCode, 200)
    assert.equal(own.headers['cache-control'], 'private, no-store')
    // The JSON is the same for everyone, signed in or not.
    assert.equal(
      (await member.get('/api/v1/helpdesk/counts')).headers['cache-control'],
      'public, max-age=300',
    )
  })
})
