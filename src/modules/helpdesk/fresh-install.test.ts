import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { agent } from '../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import { addWorker } from './commands/add-worker.ts'
import { openHelpdesk } from './commands/open-helpdesk.ts'
import { canReceive } from './queries/routing.ts'
import { reportCount, sendDetained } from './testing/forms.ts'

let t: TestApp
let admin: TestStaff
let regions: Record<'MOW' | 'TUL', number>

before(async () => {
  t = await testApp()
  admin = await createStaff(t.store.db, { roles: ['admin'] })
  const rows = await t.store.db
    .selectFrom('vocab_terms')
    .select(['id', 'code'])
    .where('code', 'in', ['RU-MOW', 'RU-TUL'])
    .execute()
  const id = (code: string) => rows.find((row) => row.code === code)!.id
  regions = { MOW: id('RU-MOW'), TUL: id('RU-TUL') }
})
after(() => t.close())

const closed = {
  en: 'There is no one to take reports here right now',
  ru: 'Сейчас обращения здесь некому принять',
  uk: 'Зараз звернення тут нікому прийняти',
}

const reports = () => reportCount(t.store.db)

describe('a fresh install, before any desk can receive a report', () => {
  for (const [language, text] of Object.entries(closed))
    it(`says so on /help, before anyone types a word, and offers no form (${language})`, async () => {
      const start = await agent(t.app, language).get('/help')
      assert.equal(start.statusCode, 200)
      assert.ok(start.body.includes(text))
      assert.doesNotMatch(start.body, /href="\/help\/(detained|legal)"/)
      for (const form of ['detained', 'legal']) {
        const page = await agent(t.app, language).get(`/help/${form}`)
        assert.equal(page.statusCode, 503)
        assert.ok(page.body.includes(text))
        assert.doesNotMatch(page.body, new RegExp(`action="/help/${form}"`))
      }
    })

  it('answers a form sent all the same with the same plain words, and stores nothing', async () => {
    const writer = agent(t.app, 'en')
    await writer.get('/help/report')
    for (const form of ['detained', 'legal']) {
      const sent = await writer.post(`/help/${form}`, {
        who: 'Anna',
        category: 'search',
        token: 'x'.repeat(22),
      })
      assert.equal(sent.statusCode, 503)
      assert.match(sent.body, /no one to take it right now/)
      assert.match(sent.body, /Nothing you typed was stored/)
    }
    assert.equal(await reports(), 0)
  })

  it('stays closed with a desk nobody is on yet', async () => {
    await openHelpdesk(t.store.db, {
      slug: 'empty',
      name: 'Empty',
      takesRest: true,
      regionIds: [],
      retentionDays: 90,
      actorId: admin.id,
    })
    assert.equal(await canReceive(t.store.db), false)
    assert.ok((await agent(t.app, 'en').get('/help')).body.includes(closed.en))
  })
})

describe('whether a report can be received', () => {
  it('follows the routing: the desk covering the region, else the one taking the rest, with someone on it', async () => {
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const moscow = await openHelpdesk(t.store.db, {
      slug: 'moscow',
      name: 'Moscow',
      takesRest: false,
      regionIds: [regions.MOW],
      retentionDays: 90,
      actorId: admin.id,
    })
    await addWorker(t.store.db, { deskId: moscow, userId: lawyer.id, actorId: admin.id })
    assert.equal(await canReceive(t.store.db), true, 'some report can')
    assert.equal(await canReceive(t.store.db, regions.MOW), true)
    assert.equal(await canReceive(t.store.db, regions.TUL), false, 'the rest goes to the empty desk')
    assert.equal(await canReceive(t.store.db, null), false)
  })

  it('opens /help and its forms once a desk can', async () => {
    const start = await agent(t.app, 'en').get('/help')
    assert.ok(!start.body.includes(closed.en))
    assert.match(start.body, /href="\/help\/detained"/)
    const form = await agent(t.app, 'en').get('/help/detained')
    assert.equal(form.statusCode, 200)
    assert.match(form.body, /action="\/help\/detained"/)
  })

  it('offers only the regions it can receive from, and sends a form from another back whole', async () => {
    // Moscow's desk has a member; the desk taking the rest has none.
    const form = await agent(t.app, 'en').get('/help/detained')
    const select = form.body.slice(
      form.body.indexOf('<select id="field-region"'),
      form.body.indexOf('</select>'),
    )
    assert.match(select, /value="RU-MOW"/)
    assert.doesNotMatch(select, /value="RU-TUL"/)
    assert.doesNotMatch(select, /Don.t know/)
    assert.match(form.body, /only from these regions/)
    const before = await reports()
    const sent = await sendDetained(agent(t.app, 'en'), { who: 'Anna, 31, at the station', region: 'RU-TUL' })
    assert.equal(sent.statusCode, 400)
    assert.match(sent.body, /take reports from this region yet/)
    assert.match(sent.body, /Anna, 31, at the station/, 'what was typed comes back')
    const none = await sendDetained(agent(t.app, 'en'), { who: 'Boris', region: '' })
    assert.equal(none.statusCode, 400, 'no region given, and no desk takes the rest')
    assert.equal(await reports(), before)
    const moscow = await sendDetained(agent(t.app, 'en'), { who: 'Vera', region: 'RU-MOW' })
    assert.equal(moscow.statusCode, 201)
  })
})
