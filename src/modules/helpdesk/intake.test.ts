import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { deleteExpiredReports } from './commands/delete-expired-reports.ts'
import { eventDraft } from './present.ts'
import type { ReportMeta } from './queries/reports.ts'
import { rankWorkers } from './queries/suggest.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, reportCount, sendDetained } from './testing/forms.ts'
import { flagsOf, type ReportContent, urgencyOf } from './triage.ts'

let t: TestApp
let coordinator: TestStaff
let desk: Agent

before(async () => {
  ;({
    t,
    members: [coordinator],
  } = await appWithDesk(['coordinator']))
  desk = await signIn(t.app, coordinator)
})
after(() => t.close())

const detained = (extra: Partial<ReportContent & { form: 'detained' }>) =>
  ({ form: 'detained', locale: 'en', needs: [], flags: [], who: 'Someone', ...extra }) as ReportContent
const legal = (extra: Record<string, unknown>) =>
  ({ form: 'legal', locale: 'en', details: 'x', ...extra }) as ReportContent

// Reports already looked at: received times are rounded to 10 minutes, so they can't tell the newest.
const seen = new Set<string>()

/** The clear row of the one report stored since the last call. */
async function newest() {
  const rows = await t.store.db.selectFrom('helpdesk_reports').selectAll().execute()
  const fresh = rows.filter((row) => !seen.has(row.id))
  for (const row of fresh) seen.add(row.id)
  assert.equal(fresh.length, 1, 'one report was stored')
  return fresh[0]!
}

async function sendLegal(answers: Record<string, string>) {
  const writer = agent(t.app, 'en')
  const form = await writer.get('/help/legal')
  return writer.post('/help/legal', { token: formToken(form.body), ...answers })
}

describe('urgency from what is true of a detained person', () => {
  it('makes a detention urgent for each flag, where without one it is high', () => {
    const today = '2026-12-09'
    assert.equal(urgencyOf(detained({}), today), 'high')
    for (const flag of ['minor', 'foreigner', 'health'] as const)
      assert.equal(urgencyOf(detained({ flags: [flag] }), today), 'urgent', flag)
  })

  it('keeps only known flags, once each, in the list’s order; a report stored before flags has none', () => {
    assert.deepEqual(flagsOf(detained({ flags: ['health', 'minor', 'health'] as never })), [
      'minor',
      'health',
    ])
    assert.deepEqual(flagsOf(detained({ flags: ['admin'] as never })), [])
    assert.deepEqual(flagsOf(detained({ flags: undefined as never })), [])
    assert.deepEqual(flagsOf(legal({ category: 'fine' })), [])
  })

  it('gives a military summons with a close deadline the same urgency as any other', () => {
    const today = '2026-12-09'
    for (const category of ['summons', 'military_summons']) {
      assert.equal(urgencyOf(legal({ category, deadline: '2026-12-11' }), today), 'high', category)
      assert.equal(urgencyOf(legal({ category, deadline: '2027-01-20' }), today), 'normal', category)
      assert.equal(urgencyOf(legal({ category }), today), 'normal', category)
    }
  })
})

describe('the detained form’s person fields', () => {
  it('takes a report with only a full name, sealed like the other answers', async () => {
    const sent = await sendDetained(agent(t.app, 'en'), { fullName: 'Petrov Ivan Sergeevich' })
    assert.equal(sent.statusCode, 201, sent.body)
    const row = await newest()
    assert.deepEqual(row.flags, [])
    assert.equal(row.urgency, 'high')
    const clear = JSON.stringify(
      await sql`SELECT * FROM helpdesk_reports WHERE id = ${row.id}`.execute(t.store.db),
    )
    assert.ok(!clear.includes('Petrov'), 'the name is not kept in clear')
  })

  it('stores the flags in clear, raises urgency, and keeps the name and date of birth sealed', async () => {
    const sent = await sendDetained(agent(t.app, 'en'), {
      fullName: 'Sidorova Maria Ivanovna',
      birthDate: '12.03.2009',
      flags: ['health', 'minor'],
      station: 'OVD Arbat',
    })
    assert.equal(sent.statusCode, 201, sent.body)
    const row = await newest()
    assert.deepEqual(row.flags, ['minor', 'health'])
    assert.equal(row.urgency, 'urgent')
    const clear = JSON.stringify(
      await sql`SELECT * FROM helpdesk_reports WHERE id = ${row.id}`.execute(t.store.db),
    )
    assert.ok(!clear.includes('Sidorova') && !clear.includes('12.03.2009'))
  })

  it('refuses unknown flags and bad person fields with a translated 400, storing nothing', async () => {
    const before = await reportCount(t.store.db)
    const cases: [string, Record<string, string | string[]>, RegExp][] = [
      ['an unknown flag', { flags: ['minor', 'admin'] }, /Choose from the list/],
      ['a flag in capitals', { flags: 'MINOR' }, /Choose from the list/],
      ['SQL in a flag', { flags: "minor'}; DROP TABLE helpdesk_reports; --" }, /Choose from the list/],
      ['a long date of birth', { birthDate: '1'.repeat(41) }, /too long/],
      ['a long name', { fullName: 'x'.repeat(301) }, /too long/],
      ['control characters in a name', { fullName: 'Ivan\u0000Petrov' }, /characters/i],
      ['bidi override in a date of birth', { birthDate: '\u202E5991' }, /direction|characters/i],
    ]
    for (const [name, answers, message] of cases) {
      const response = await sendDetained(agent(t.app, 'en'), { who: 'Someone', ...answers })
      assert.equal(response.statusCode, 400, name)
      assert.match(response.body, message, name)
      assert.match(response.body, /class="error-summary"/, name)
    }
    assert.equal(await reportCount(t.store.db), before)
  })

  it('cannot store a flag outside the list even by hand (the column checks it)', async () => {
    await assert.rejects(
      sql`UPDATE helpdesk_reports SET flags = ARRAY['minor', 'vip']`.execute(t.store.db),
      /helpdesk_reports_flags_known/,
    )
  })

  it('gives the form back with the boxes ticked and the name typed', async () => {
    const response = await sendDetained(agent(t.app, 'en'), {
      fullName: 'Ivanov <b>Ivan</b>',
      flags: ['foreigner'],
      time: 'noon',
    })
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /name="flags" value="foreigner" checked/)
    assert.match(response.body, /value="Ivanov &#60;b&#62;Ivan&#60;\/b&#62;"/)
    assert.match(response.body, /Under 18/)
    assert.match(response.body, /Anything else about the person/)
  })

  it('names each field in the error summary as the form labels it', async () => {
    const legal = await sendLegal({ category: 'summons', details: '' })
    assert.equal(legal.statusCode, 400)
    assert.match(legal.body, /<a href="#field-details">What happened: /)
    const detained = await sendDetained(agent(t.app, 'en'), { flags: ['nobody'], who: 'x' })
    assert.match(detained.body, /<a href="#field-flags">Tick if any of this is true: /)
  })
})

describe('a report made into a chronicle event', () => {
  it('carries the full name only with consent to names, and never the date of birth or the flags', () => {
    const meta = { receivedAt: new Date('2026-12-09T10:00:00Z') } as ReportMeta
    const content = detained({
      fullName: 'Sidorova Maria',
      birthDate: '2009',
      flags: ['minor'],
      who: 'Green coat',
      details: 'Taken at the square',
      publishFacts: true,
      consentBy: 'self',
    })
    const without = Object.values(eventDraft(meta, content, null, 'en')).join('\n')
    assert.ok(!without.includes('Sidorova') && !without.includes('Green coat'))
    const named = Object.values(
      eventDraft(meta, { ...content, publishNames: true } as ReportContent, null, 'en'),
    ).join('\n')
    assert.match(named, /^Sidorova Maria\nGreen coat\n\nTaken at the square$/m)
    assert.ok(!named.includes('2009') && !/minor|Under 18/.test(named))
  })
})

describe('the queue', () => {
  it('shows the flags as tags, filters by them, and shows them on the report page', async () => {
    // One report of someone with no flag, so the filter has something to leave out.
    assert.equal((await sendDetained(agent(t.app, 'en'), { who: 'No flags' })).statusCode, 201)
    const unflagged = await newest()
    const queue = await desk.get('/staff/helpdesk')
    assert.equal(queue.statusCode, 200)
    assert.match(
      queue.body,
      /<span class="tag danger">Under 18<\/span> <span class="tag danger">Health problems<\/span>/,
    )
    const minors = await desk.get('/staff/helpdesk?flag=minor')
    const flagged = await t.store.db
      .selectFrom('helpdesk_reports')
      .select('id')
      .where(sql<boolean>`'minor' = ANY(flags)`)
      .execute()
    const all = await t.store.db.selectFrom('helpdesk_reports').select('id').execute()
    for (const { id } of all)
      assert.equal(
        minors.body.includes(`/reports/${id}"`),
        flagged.some((row) => row.id === id),
        id,
      )
    assert.ok(!minors.body.includes(`/reports/${unflagged.id}"`))
    assert.match(minors.body, /<option value="minor" selected>/)
    // An unknown flag is dropped, as any unknown filter is: the whole queue.
    const unknown = await desk.get('/staff/helpdesk?flag=vip')
    assert.equal(unknown.statusCode, 200)
    assert.ok(all.every(({ id }) => unknown.body.includes(`/reports/${id}"`)))

    const [minor] = flagged
    const page = await desk.get(`/staff/helpdesk/reports/${minor!.id}`)
    assert.match(page.body, /<dt>About the person<\/dt><dd><span class="tag danger">Under 18<\/span>/)
    assert.match(page.body, /<dt>Full name<\/dt><dd class="text">Sidorova Maria Ivanovna<\/dd>/)
    assert.match(page.body, /<dt>Date of birth<\/dt><dd class="text">12.03.2009<\/dd>/)
    assert.match(page.body, /<dt>About the person<\/dt><dd class="text">Under 18, Health problems<\/dd>/)
  })

  it('shows neither the flags nor the person fields in any public output', async () => {
    const routes = t.app.lifelineRoutes.filter(
      (route) => route.policy === 'public' && route.method === 'GET' && !/[:*]/.test(route.url),
    )
    assert.ok(routes.some((route) => route.url === '/api/v1/helpdesk/counts'))
    // The forms name the flags as fields to tick; no output names what a report holds.
    const secrets = ['Sidorova', '12.03.2009', 'class="tag danger"', 'Under 18,', 'Младше 18 лет,']
    const leaks: string[] = []
    for (const { url } of routes)
      for (const language of ['en', 'ru']) {
        const response = await agent(t.app, language).get(url)
        const json = String(response.headers['content-type']).includes('json')
        for (const secret of [...secrets, ...(json ? ['"flags"', '"minor"', '"health"'] : [])])
          if (response.body.includes(secret)) leaks.push(`${language} ${url}: ${secret}`)
      }
    assert.deepEqual(leaks, [])
  })
})

describe('a military summons', () => {
  it('goes first to a member whose specialties name it, in any language', () => {
    const workers = [
      { id: 'a', name: 'Anna', regionIds: [], specialties: ['уголовные дела'] },
      { id: 'b', name: 'Boris', regionIds: [], specialties: ['военкомат', 'призыв'] },
      { id: 'c', name: 'Clara', regionIds: [], specialties: ['military service'] },
    ]
    const first = (category: string) => rankWorkers(workers, { regionId: null, category }, new Map())[0]!
    assert.equal(first('military_summons').name, 'Boris')
    assert.ok(rankWorkers(workers, { regionId: null, category: 'military_summons' }, new Map())[1]!.specialty)
    assert.equal(first('criminal').name, 'Anna')
  })

  it('goes from the form to the queue under its own name and filter, and into the retention list', async () => {
    const form = await agent(t.app, 'ru').get('/help/legal')
    assert.match(form.body, /<option value="military_summons" >Повестка из военкомата<\/option>/)
    assert.match(form.body, /<option value="summons" >Повестка в полицию, СК или ФСБ<\/option>/)
    const soon = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10)
    const sent = await sendLegal({ category: 'military_summons', deadline: soon, details: 'Пришла повестка' })
    assert.equal(sent.statusCode, 201, sent.body)
    const row = await newest()
    assert.equal(row.category, 'military_summons')
    assert.equal(row.urgency, 'high')

    const queue = await desk.get('/staff/helpdesk?category=military_summons')
    assert.ok(queue.body.includes(`/reports/${row.id}"`))
    assert.match(queue.body, /A military summons<\/a>/)
    assert.match(queue.body, /<option value="military_summons" selected>A military summons<\/option>/)
    const others = await desk.get('/staff/helpdesk?category=summons')
    assert.ok(!others.body.includes(`/reports/${row.id}"`))

    // Closed, it shows on the retention list by its name, and once deleted it is counted.
    await t.store.db
      .updateTable('helpdesk_reports')
      .set({ status: 'closed', outcome: 'helped', closed_at: new Date(Date.now() - 88 * 86_400_000) })
      .where('id', '=', row.id)
      .execute()
    const due = await desk.get('/staff/helpdesk/retention')
    assert.equal(due.statusCode, 200)
    assert.match(due.body, /A military summons/)
    const counted = async () =>
      Number(
        (
          await t.store.db
            .selectFrom('helpdesk_counts')
            .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('helped'), eb.lit(0)).as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const helpedBefore = await counted()
    assert.ok((await deleteExpiredReports(t.store.db, new Date(Date.now() + 3 * 86_400_000))) >= 1)
    assert.equal(await counted(), helpedBefore + 1)
  })
})
