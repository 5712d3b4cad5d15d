import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type Agent, agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { ensureTerms, insertEvents } from '../testing/events.ts'

// Every public view that reads the shared filter (filters.ts) from its query string.
const filtered = [
  '/chronicle',
  '/chronicle/stats',
  '/chronicle/stats/month.csv',
  '/chronicle/stats/region.csv',
  '/chronicle/stats/type.csv',
  '/chronicle/stats/article.csv',
  '/api/v1/stats',
  '/api/v1/events',
  '/chronicle/feed.atom',
  '/chronicle/export.csv',
  '/chronicle/export.ndjson',
  '/chronicle/export.json',
]

let t: TestApp
let visitor: Agent
before(async () => {
  t = await testApp()
  const terms = await ensureTerms(t.store.db)
  await insertEvents(t.store.db, [
    {
      title: { en: 'A picket' },
      type_id: terms.event_type.picket,
      start_date: '2023-05-06',
      start_precision: 'day',
      status: 'verified',
    },
  ])
  visitor = agent(t.app, 'en')
})
after(() => t.close())

describe('date filters out of range', () => {
  // PostgreSQL has no year 0 (1 BC is followed by AD 1): a date in it fails the query, not the filter.
  const yearZero = ['to=0000-01-01', 'from=0000-01-01', 'from=0000-02-29', 'to=0000-06', 'from=0000-12']

  it('answer 400 on every view that takes the filter, like -0001 and 10000 do', async () => {
    const wrong: string[] = []
    for (const path of filtered) {
      for (const query of [...yearZero, 'to=-0001-01-01', 'from=10000-01-01']) {
        const response = await visitor.get(`${path}?${query}`)
        if (response.statusCode !== 400) wrong.push(`${path}?${query}: ${response.statusCode}`)
      }
    }
    assert.deepEqual(wrong, [])
  })

  it('answer 400 when an export job is asked for with one', async () => {
    // A form page gives the visitor a CSRF cookie and its token.
    await visitor.get('/login')
    for (const query of yearZero) {
      const response = await visitor.send('POST', '/chronicle/exports', `format=csv&${query}`, {
        'content-type': 'application/x-www-form-urlencoded',
        'x-csrf-token': visitor.csrf,
      })
      assert.equal(response.statusCode, 400, query)
    }
  })

  it('still accept the first and the last year there is', async () => {
    for (const path of filtered) {
      for (const query of ['from=0001-01-01', 'from=0001-02&to=9999-12', 'to=9999-12-31']) {
        const response = await visitor.get(`${path}?${query}`)
        assert.equal(response.statusCode, 200, `${path}?${query}`)
      }
    }
  })
})
