import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { type Agent, encodeForm } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn, type TestStaff } from '../../../../test/support/factories.ts'
import { eventFormFields } from '../testing/events.ts'

let t: TestApp
const staff: Record<string, TestStaff> = {}
const agents: Record<string, Agent> = {}

before(async () => {
  t = await testApp()
  const terms = [
    ['event_type', 'protest', 'Акция', 'Protest', 'Акція'],
    ['event_type', 'detention', 'Задержание', 'Detention', 'Затримання'],
    ['region', 'RU-MOW', 'Москва', 'Moscow', 'Москва'],
    ['region', 'RU-KC', 'Карачаево-Черкесия', 'Karachay-Cherkessia', 'Карачаєво-Черкесія'],
  ] as const
  for (const [vocabulary, code, ru, en, uk] of terms) {
    await t.store.db
      .insertInto('vocab_terms')
      .values({ vocabulary, code, labels: JSON.stringify({ ru, en, uk }), extra: '{}' })
      .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
      .execute()
  }
  for (const role of ['editor', 'coordinator', 'admin', 'lawyer'] as const) {
    staff[role] = await createStaff(t.store.db, { roles: [role] })
    agents[role] = await signIn(t.app, staff[role])
  }
  staff.editor2 = await createStaff(t.store.db, { roles: ['editor'] })
  agents.editor2 = await signIn(t.app, staff.editor2)
})
after(() => t.close())

/** A complete, valid new-event form. */
const eventForm = (overrides: Record<string, string> = {}): Record<string, string> =>
  eventFormFields({
    title_ru: 'Женщины перекрыли мост в Зеленчукской',
    title_en: 'Women blocked a bridge in Zelenchukskaya',
    summary_ru: 'Шесть женщин требовали сообщить о сыновьях; все задержаны.',
    start_date: '2022-10-14',
    region: 'RU-KC',
    locality: 'Зеленчукская',
    participants: '6',
    detained: '6',
    authorised: 'no',
    subject: 'новости о мобилизованных сыновьях',
    source_url: 'https://ovd.info/news/example',
    source_publisher: 'ОВД-Инфо',
    source_published_on: '2022-10-15',
    source_reliability: 'high',
    ...overrides,
  })

/** The edit form's fields for an event as it is now, with the version it is at. */
async function editForm(id: number, overrides: Record<string, string> = {}) {
  const row = await eventRow(id)
  const base = eventForm()
  for (const name of Object.keys(base)) if (name.startsWith('source_')) delete base[name]
  return { ...base, version: String(row.version), ...overrides }
}

const eventRow = (id: number) =>
  t.store.db.selectFrom('chronicle_events').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

const countEvents = async () =>
  Number(
    (
      await t.store.db
        .selectFrom('chronicle_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  )

/** The rows a staff form could add or change, counted, to prove that a refused form changed nothing. */
async function snapshot() {
  const count = async (
    table: 'chronicle_events' | 'chronicle_sources' | 'chronicle_history' | 'chronicle_verifications',
  ) =>
    (await t.store.db.selectFrom(table).select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow())
      .n
  return {
    events: await count('chronicle_events'),
    sources: await count('chronicle_sources'),
    history: await count('chronicle_history'),
    verifications: await count('chronicle_verifications'),
  }
}

const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' }

async function create(who: Agent, overrides: Record<string, string> = {}): Promise<number> {
  await who.get('/staff/chronicle/events/new')
  const response = await who.post('/staff/chronicle/events', eventForm(overrides))
  assert.equal(response.statusCode, 303, response.body)
  const id = Number(
    /\/staff\/chronicle\/events\/(\d+)\?done=created/.exec(String(response.headers.location))?.[1],
  )
  assert.ok(id > 0)
  return id
}

const put = (who: Agent, id: number, form: Record<string, string>) =>
  who.post(`/staff/chronicle/events/${id}?_method=PUT`, form)

const review = async (who: Agent, id: number, action: string) => {
  await who.get(`/staff/chronicle/events/${id}`)
  return who.post(`/staff/chronicle/events/${id}/${action}`, {
    version: String((await eventRow(id)).version),
  })
}

const rollupDetained = async (month: string) => {
  const row = await t.store.db
    .selectFrom('chronicle_rollup')
    .select((eb) => [eb.fn.sum<number>('detained').as('detained'), eb.fn.sum<number>('events').as('events')])
    .where('month', '=', month)
    .executeTakeFirst()
  return { detained: Number(row?.detained ?? 0), events: Number(row?.events ?? 0) }
}

const setSecondVerification = async (on: boolean) => {
  await t.store.db
    .insertInto('settings')
    .values({ key: 'chronicle.require_second_verification', value: on ? 'true' : 'false' })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: on ? 'true' : 'false' }))
    .execute()
}

describe('staff editing of an event, from creation to unpublishing', () => {
  let id: number

  it('creates an event with its first source, stores a month as its first day, and writes history', async () => {
    id = await create(agents.editor!, { end_date: '2022-11-20', end_precision: 'month' })
    const row = await eventRow(id)
    assert.equal(row.version, 1)
    assert.equal(row.status, 'reported')
    assert.equal(row.published_at, null)
    assert.equal(row.end_date, '2022-11-01')
    assert.equal(row.detained, 6)
    assert.equal(row.authorised, false)
    assert.deepEqual(row.title, {
      ru: 'Женщины перекрыли мост в Зеленчукской',
      en: 'Women blocked a bridge in Zelenchukskaya',
    })
    const sources = await t.store.db
      .selectFrom('chronicle_sources')
      .selectAll()
      .where('event_id', '=', id)
      .execute()
    assert.equal(sources.length, 1)
    assert.equal(sources[0]!.publisher, 'ОВД-Инфо')
    const page = await agents.editor!.get(`/staff/chronicle/events/${id}?done=created`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /The event was created/)
    assert.match(page.body, /ovd\.info\/news\/example/)
  })

  it('lists it for staff though it is not published, and finds it by a word', async () => {
    const list = await agents.coordinator!.get('/staff/chronicle')
    assert.equal(list.statusCode, 200)
    assert.match(list.body, /Women blocked a bridge/)
    const found = await agents.coordinator!.get(
      `/staff/chronicle?q=${encodeURIComponent('мост')}&status=reported`,
    )
    assert.match(found.body, /Women blocked a bridge/)
    const none = await agents.coordinator!.get('/staff/chronicle?status=verified')
    assert.doesNotMatch(none.body, /Women blocked a bridge/)
    assert.match(none.body, /No events match these filters/)
  })

  it('saves an edit made on the current version', async () => {
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const response = await put(
      agents.editor!,
      id,
      await editForm(id, { detained: '5', end_date: '', end_precision: 'unknown' }),
    )
    assert.equal(response.statusCode, 303)
    assert.match(String(response.headers.location), /done=saved/)
    const row = await eventRow(id)
    assert.equal(row.version, 2)
    assert.equal(row.detained, 5)
  })

  it('refuses to save over a newer version, shows what changed since, and overwrites nothing', async () => {
    await agents.coordinator!.get(`/staff/chronicle/events/${id}`)
    const stale = await editForm(id, { version: '1', locality: 'станица Зеленчукская', detained: '7' })
    const response = await put(agents.coordinator!, id, stale)
    assert.equal(response.statusCode, 409)
    assert.match(response.body, /Someone saved a newer version/)
    // The field changed since version 1, its value then and now, and what this editor typed.
    assert.match(response.body, /<th scope="row">Detained<\/th>\s*<td>6<\/td><td>5<\/td>\s*<td>7<\/td>/)
    assert.match(response.body, /name="version" value="2"/)
    assert.match(response.body, /value="станица Зеленчукская"/)
    const row = await eventRow(id)
    assert.equal(row.version, 2)
    assert.equal(row.detained, 5)
    assert.equal(row.locality, 'Зеленчукская')
  })

  it('saves the editor’s values when they re-apply them on the newest version', async () => {
    const response = await put(
      agents.coordinator!,
      id,
      await editForm(id, { version: '2', locality: 'станица Зеленчукская', detained: '7' }),
    )
    assert.equal(response.statusCode, 303)
    const row = await eventRow(id)
    assert.equal(row.version, 3)
    assert.equal(row.detained, 7)
    assert.equal(row.updated_by, staff.coordinator!.id)
  })

  it('keeps every version in the history and compares two of them', async () => {
    const history = await t.store.db
      .selectFrom('chronicle_history')
      .selectAll()
      .where('entity', '=', 'event')
      .where('entity_id', '=', id)
      .orderBy('version')
      .execute()
    assert.deepEqual(
      history.map((entry) => entry.version),
      [1, 2, 3],
    )
    assert.deepEqual(history[1]!.changes.detained, { from: 6, to: 5 })
    assert.equal(history[1]!.changed_by, staff.editor!.id)
    assert.deepEqual(history[2]!.changes.detained, { from: 5, to: 7 })
    assert.equal(history[2]!.changed_by, staff.coordinator!.id)
    const page = await agents.editor!.get(`/staff/chronicle/events/${id}/history`)
    assert.equal(page.statusCode, 200)
    assert.match(page.body, /3 changes, newest first/)
    assert.match(page.body, /Staff \d+/)
    const compare = await agents.editor!.get(`/staff/chronicle/events/${id}/compare?a=1&b=3`)
    assert.equal(compare.statusCode, 200)
    assert.match(compare.body, /<th scope="row">Detained<\/th><td>6<\/td><td>7<\/td>/)
    assert.match(
      compare.body,
      /<th scope="row">Locality<\/th><td>Зеленчукская<\/td><td>станица Зеленчукская<\/td>/,
    )
    assert.match(compare.body, /End date/)
    assert.equal((await agents.editor!.get(`/staff/chronicle/events/${id}/compare?a=1&b=99`)).statusCode, 404)
  })

  it('refuses to publish an event that is not verified', async () => {
    const response = await review(agents.admin!, id, 'publish')
    assert.equal(response.statusCode, 409)
    assert.match(response.body, /ERR_EVENT_NOT_VERIFIED/)
    assert.equal((await eventRow(id)).published_at, null)
  })

  it('refuses to verify or publish an event without a source', async () => {
    const bare = await create(agents.editor!)
    // As an import can leave it: no source at all.
    await t.store.db.deleteFrom('chronicle_sources').where('event_id', '=', bare).execute()
    const verify = await review(agents.admin!, bare, 'verify')
    assert.equal(verify.statusCode, 409)
    assert.match(verify.body, /ERR_EVENT_NO_SOURCE/)
    await t.store.db
      .updateTable('chronicle_events')
      .set({ status: 'verified' })
      .where('id', '=', bare)
      .execute()
    const publish = await review(agents.admin!, bare, 'publish')
    assert.equal(publish.statusCode, 409)
    assert.match(publish.body, /ERR_EVENT_NO_SOURCE/)
    assert.equal((await eventRow(bare)).published_at, null)
    const page = await agents.editor!.get(`/staff/chronicle/events/${bare}`)
    assert.match(page.body, /has no source yet/)
  })

  it('refuses a review action taken on a version the reviewer did not see', async () => {
    await agents.admin!.get(`/staff/chronicle/events/${id}`)
    const response = await agents.admin!.post(`/staff/chronicle/events/${id}/verify`, { version: '1' })
    assert.equal(response.statusCode, 409)
    assert.match(response.body, /ERR_EVENT_STALE/)
    assert.equal((await eventRow(id)).status, 'reported')
  })

  it('with a second verification required, publishes only after two reviewers, the last not the last editor', async () => {
    await setSecondVerification(true)
    // The editor makes the last edit, so their own verification can't be the deciding one.
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    assert.equal(
      (
        await put(
          agents.editor!,
          id,
          await editForm(id, { locality: 'Зеленчукская', detained: '7', participants: '6' }),
        )
      ).statusCode,
      303,
    )
    assert.equal((await review(agents.admin!, id, 'verify')).statusCode, 303)
    assert.equal((await eventRow(id)).status, 'verified')
    const one = await review(agents.admin!, id, 'publish')
    assert.equal(one.statusCode, 409)
    assert.match(one.body, /ERR_EVENT_SECOND_VERIFICATION/)
    assert.equal((await review(agents.editor!, id, 'verify')).statusCode, 303)
    const byAuthor = await review(agents.admin!, id, 'publish')
    assert.equal(byAuthor.statusCode, 409)
    assert.match(byAuthor.body, /ERR_EVENT_VERIFIER_IS_AUTHOR/)
    assert.equal((await review(agents.editor2!, id, 'verify')).statusCode, 303)
    const published = await review(agents.admin!, id, 'publish')
    assert.equal(published.statusCode, 303)
    const row = await eventRow(id)
    assert.ok(row.published_at)
    assert.equal(row.status, 'verified')
    const verifications = await t.store.db
      .selectFrom('chronicle_verifications')
      .selectAll()
      .where('event_id', '=', id)
      .execute()
    assert.equal(verifications.length, 3)
    await setSecondVerification(false)
  })

  it('keeps an edited published event published, and its statistics follow the edit', async () => {
    assert.deepEqual(await rollupDetained('2022-10-01'), { detained: 7, events: 1 })
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    assert.equal(
      (await put(agents.editor!, id, await editForm(id, { locality: 'Зеленчукская', detained: '12' })))
        .statusCode,
      303,
    )
    const row = await eventRow(id)
    assert.ok(row.published_at)
    assert.equal(row.detained, 12)
    assert.deepEqual(await rollupDetained('2022-10-01'), { detained: 12, events: 1 })
  })

  it('adds and removes sources, but never the last one', async () => {
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const added = await agents.editor!.post(`/staff/chronicle/events/${id}/sources`, {
      url: '',
      description: 'Звонок на горячую линию',
      publisher: '',
      published_on: '',
      reliability: 'medium',
    })
    assert.equal(added.statusCode, 303)
    const sources = await t.store.db
      .selectFrom('chronicle_sources')
      .selectAll()
      .where('event_id', '=', id)
      .orderBy('id')
      .execute()
    assert.equal(sources.length, 2)
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const removed = await agents.editor!.post(
      `/staff/chronicle/events/${id}/sources/${sources[0]!.id}?_method=DELETE`,
    )
    assert.equal(removed.statusCode, 303)
    const last = await agents.editor!.post(
      `/staff/chronicle/events/${id}/sources/${sources[1]!.id}?_method=DELETE`,
    )
    assert.equal(last.statusCode, 409)
    assert.match(last.body, /ERR_EVENT_LAST_SOURCE/)
    const history = await agents.editor!.get(`/staff/chronicle/events/${id}/history`)
    assert.match(history.body, /Звонок на горячую линию/)
  })

  it('unpublishes after a confirmation page, and the statistics drop the event', async () => {
    const confirm = await agents.admin!.get(`/staff/chronicle/events/${id}/unpublish`)
    assert.equal(confirm.statusCode, 200)
    assert.match(confirm.body, /Unpublish “/)
    const response = await agents.admin!.post(`/staff/chronicle/events/${id}/unpublish`)
    assert.equal(response.statusCode, 303)
    assert.equal((await eventRow(id)).published_at, null)
    assert.deepEqual(await rollupDetained('2022-10-01'), { detained: 0, events: 0 })
    const actions = await t.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', `event:${id}`)
      .execute()
    const names = new Set(actions.map((entry) => entry.action))
    for (const action of ['created', 'updated', 'verified', 'published', 'unpublished'])
      assert.ok(names.has(`chronicle.event.${action}`), action)
    assert.ok(names.has('chronicle.source.added'))
    assert.ok(names.has('chronicle.source.removed'))
  })

  it('marks an event disputed and drops its verifications', async () => {
    assert.equal((await review(agents.editor!, id, 'dispute')).statusCode, 303)
    assert.equal((await eventRow(id)).status, 'disputed')
    const left = await t.store.db
      .selectFrom('chronicle_verifications')
      .selectAll()
      .where('event_id', '=', id)
      .execute()
    assert.equal(left.length, 0)
    const publish = await review(agents.admin!, id, 'publish')
    assert.match(publish.body, /ERR_EVENT_NOT_VERIFIED/)
  })
})

describe('who may do what', () => {
  let id: number
  before(async () => {
    id = await create(agents.editor!)
  })

  it('lets editors, coordinators and admins edit', async () => {
    for (const role of ['editor', 'coordinator', 'admin']) {
      const who = agents[role]!
      assert.equal((await who.get('/staff/chronicle')).statusCode, 200, role)
      assert.equal((await who.get('/staff/chronicle/events/new')).statusCode, 200, role)
      assert.equal((await who.get(`/staff/chronicle/events/${id}`)).statusCode, 200, role)
      const saved = await put(who, id, await editForm(id, { organisers: `by ${role}` }))
      assert.equal(saved.statusCode, 303, role)
    }
  })

  it('shows the chronicle in the staff navigation only to those who may edit', async () => {
    assert.match((await agents.coordinator!.get('/staff')).body, /href="\/staff\/chronicle"/)
    assert.doesNotMatch((await agents.lawyer!.get('/staff')).body, /href="\/staff\/chronicle"/)
  })

  it('lets only admins and editors verify and publish; a coordinator gets 404', async () => {
    await agents.coordinator!.get(`/staff/chronicle/events/${id}`)
    const page = await agents.coordinator!.get(`/staff/chronicle/events/${id}`)
    assert.doesNotMatch(page.body, /\/verify"/)
    for (const action of ['verify', 'dispute', 'publish']) {
      const response = await agents.coordinator!.post(`/staff/chronicle/events/${id}/${action}`, {
        version: String((await eventRow(id)).version),
      })
      assert.equal(response.statusCode, 404, action)
    }
    assert.equal((await agents.coordinator!.get(`/staff/chronicle/events/${id}/unpublish`)).statusCode, 404)
    assert.equal((await eventRow(id)).status, 'reported')
    assert.equal((await review(agents.editor!, id, 'verify')).statusCode, 303)
  })

  it('answers 404 to a lawyer everywhere here, and changes nothing', async () => {
    const lawyer = agents.lawyer!
    const before = await eventRow(id)
    for (const url of [
      '/staff/chronicle',
      '/staff/chronicle/events/new',
      `/staff/chronicle/events/${id}`,
      `/staff/chronicle/events/${id}/history`,
      `/staff/chronicle/events/${id}/compare?a=1&b=2`,
      `/staff/chronicle/events/${id}/unpublish`,
    ])
      assert.equal((await lawyer.get(url)).statusCode, 404, url)
    await lawyer.get('/staff')
    const version = String(before.version)
    for (const [url, form] of [
      ['/staff/chronicle/events', eventForm()],
      [`/staff/chronicle/events/${id}?_method=PUT`, await editForm(id, { detained: '999' })],
      [`/staff/chronicle/events/${id}/sources`, { url: 'https://example.org', reliability: 'low' }],
      [`/staff/chronicle/events/${id}/verify`, { version }],
      [`/staff/chronicle/events/${id}/publish`, { version }],
      [`/staff/chronicle/events/${id}/unpublish`, {}],
    ] as const)
      assert.equal((await lawyer.post(url, form)).statusCode, 404, url)
    const after = await eventRow(id)
    assert.equal(after.version, before.version)
    assert.equal(after.detained, before.detained)
  })

  it('answers 404 for an event that does not exist or a malformed id', async () => {
    for (const url of [
      '/staff/chronicle/events/999999',
      '/staff/chronicle/events/abc',
      '/staff/chronicle/events/0',
    ])
      assert.equal((await agents.admin!.get(url)).statusCode, 404, url)
  })
})

describe('hostile input on the event forms', () => {
  let id: number
  before(async () => {
    id = await create(agents.editor!)
    await agents.editor!.get('/staff/chronicle/events/new')
  })

  const refused = async (overrides: Record<string, string>, field: string, message?: RegExp) => {
    const before = await countEvents()
    const response = await agents.editor!.post('/staff/chronicle/events', eventForm(overrides))
    assert.equal(response.statusCode, 400, JSON.stringify(overrides).slice(0, 100))
    assert.match(response.body, new RegExp(`id="field-${field}-error"`), field)
    if (message) assert.match(response.body, message)
    assert.equal(await countEvents(), before)
    return response
  }

  it('answers an oversized body with 413 and creates nothing', async () => {
    const before = await countEvents()
    const response = await agents.editor!.post(
      '/staff/chronicle/events',
      eventForm({ summary_ru: 'я'.repeat(300_000) }),
    )
    assert.equal(response.statusCode, 413)
    assert.equal(await countEvents(), before)
  })

  it('reports an overlong field next to it and keeps what was typed', async () => {
    const response = await refused(
      { title_en: 'x'.repeat(301), locality: 'Тула' },
      'title_en',
      /This is too long/,
    )
    assert.match(response.body, /value="Тула"/)
  })

  it('refuses broken UTF-8 and control characters', async () => {
    const before = await countEvents()
    const body = `${encodeForm({ _csrf: agents.editor!.csrf, ...eventForm() }).replace('title_en=Women', 'title_en=%FF%FEWomen')}`
    const response = await agents.editor!.send('POST', '/staff/chronicle/events', body, {
      'content-type': 'application/x-www-form-urlencoded',
    })
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /id="field-title_en-error"/)
    assert.equal(await countEvents(), before)
    await refused({ locality: 'Тула\u0000' }, 'locality')
  })

  it('explains wrong dates, counts, coordinates and codes, each next to its field', async () => {
    await refused({ start_date: '2022-02-30' }, 'start_date')
    await refused({ start_date: '1812-09-07' }, 'start_date', /between 1900 and 2100/)
    await refused({ end_date: '2022-10-01', end_precision: 'day' }, 'end_date', /before the start date/)
    await refused({ start_precision: 'unknown' }, 'start_precision', /choose how exactly/)
    await refused({ start_date: '', start_precision: 'day' }, 'start_date')
    await refused({ start_precision: 'week' }, 'start_precision')
    await refused({ detained: '-5' }, 'detained', /whole number/)
    await refused({ participants: '1e9' }, 'participants')
    await refused({ latitude: '95', longitude: '40', coord_precision: 'exact' }, 'latitude')
    await refused({ latitude: '55.75' }, 'longitude', /both latitude and longitude/)
    await refused({ latitude: '55.75', longitude: '37.61' }, 'coord_precision')
    await refused({ type: '' }, 'type', /Choose the type/)
    await refused({ type: 'riot' }, 'type', /Choose one of the listed values/)
    await refused({ region: "RU-MOW' OR 1=1 --" }, 'region')
    await refused({ title_ru: '', title_en: '' }, 'title_ru', /at least one language/)
    await refused({ source_url: '', source_description: '' }, 'source_url', /link or a description/)
    await refused({ source_url: 'javascript:alert(1)' }, 'source_url')
    await refused({ authorised: 'maybe' }, 'authorised')
  })

  it('stores markup and SQL fragments as text and shows them escaped', async () => {
    const markup = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    const sqlText = "'); DROP TABLE chronicle_events; --"
    const created = await create(agents.editor!, {
      title_en: markup,
      subject: sqlText,
      locality: '"><b>x</b>',
    })
    const row = await eventRow(created)
    assert.equal((row.title as { en: string }).en, markup)
    assert.equal(row.subject, sqlText)
    for (const url of [
      `/staff/chronicle/events/${created}`,
      '/staff/chronicle',
      `/staff/chronicle/events/${created}/history`,
    ]) {
      const page = await agents.editor!.get(url)
      assert.equal(page.statusCode, 200, url)
      assert.doesNotMatch(page.body, /<script>alert|<img src=x|<b>x<\/b>/, url)
    }
    assert.match(
      (await agents.editor!.get(`/staff/chronicle/events/${created}`)).body,
      /&#60;script&#62;alert\(1\)&#60;\/script&#62;/,
    )
    const search = await agents.editor!.get(`/staff/chronicle?q=${encodeURIComponent(sqlText)}`)
    assert.equal(search.statusCode, 200)
  })

  it('refuses hostile edits, sources, review forms and list filters without changing anything', async () => {
    const before = await eventRow(id)
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const hostile: Record<string, string>[] = [
      { version: 'abc' },
      { version: '-1' },
      { version: '1e99' },
      { detained: '१२' },
    ]
    for (const overrides of hostile) {
      const response = await put(agents.editor!, id, await editForm(id, { detained: '40', ...overrides }))
      assert.equal(response.statusCode, 400, JSON.stringify(overrides))
    }
    const source = await agents.editor!.post(`/staff/chronicle/events/${id}/sources`, {
      url: 'ftp://example.org/x',
      description: '',
      publisher: 'x'.repeat(500),
      published_on: 'yesterday',
      reliability: 'absolute',
    })
    assert.equal(source.statusCode, 400)
    assert.match(source.body, /id="field-url-error"/)
    assert.match(source.body, /id="field-publisher-error"/)
    assert.match(source.body, /id="field-reliability-error"/)
    const verify = await agents.admin!.post(`/staff/chronicle/events/${id}/verify`, { version: '1 OR 1=1' })
    assert.equal(verify.statusCode, 400)
    const remove = await agents.editor!.post(
      `/staff/chronicle/events/${id}/sources/1%20OR%201=1?_method=DELETE`,
    )
    assert.equal(remove.statusCode, 404)
    const after = await eventRow(id)
    assert.equal(after.version, before.version)
    assert.equal(after.detained, before.detained)
    assert.equal(after.status, before.status)
    const list = await agents.editor!.get(
      `/staff/chronicle?status=${encodeURIComponent("verified' --")}&q=${'x'.repeat(300)}`,
    )
    assert.equal(list.statusCode, 400)
    assert.match(list.body, /id="field-status-error"/)
  })
})

describe('hostile input on every staff form changes nothing', () => {
  let id: number
  before(async () => {
    id = await create(agents.editor!)
  })

  /** Sends `request` and checks it was refused with `status`, the event and every count unchanged. */
  const unchanged = async (status: number, request: () => Promise<{ statusCode: number; body: string }>) => {
    const counts = await snapshot()
    const row = await eventRow(id)
    const response = await request()
    assert.equal(response.statusCode, status, response.body.slice(0, 300))
    assert.deepEqual(await snapshot(), counts)
    assert.deepEqual(await eventRow(id), row)
    return response
  }

  const errorOn = (field: string) => new RegExp(`id="field-${field}-error"`)

  it('refuses CR or LF in one-line fields of a new event, with the error next to the field', async () => {
    await agents.editor!.get('/staff/chronicle/events/new')
    for (const [name, value] of [
      ['title_en', 'Women\r\nblocked a bridge'],
      ['locality', 'Тула\rЛенинский район'],
      ['source_publisher', 'ОВД\nИнфо'],
    ] as const) {
      const response = await unchanged(400, () =>
        agents.editor!.post('/staff/chronicle/events', eventForm({ [name]: value })),
      )
      assert.match(response.body, errorOn(name), name)
      assert.match(response.body, /characters that can&#39;t be used here/, name)
    }
  })

  it('keeps line breaks in a summary as LF, and drops a leading byte order mark', async () => {
    const created = await create(agents.editor!, {
      title_en: '\uFEFFWomen blocked a bridge',
      summary_ru: 'Первая строка\r\nвторая строка',
    })
    const row = await eventRow(created)
    assert.equal((row.title as { en: string }).en, 'Women blocked a bridge')
    assert.equal((row.summary as { ru: string }).ru, 'Первая строка\nвторая строка')
  })

  it('refuses raw bytes that are not UTF-8, and a body that starts with a byte order mark', async () => {
    await agents.editor!.get('/staff/chronicle/events/new')
    const { locality: _, ...fields } = eventForm()
    const form = encodeForm({ _csrf: agents.editor!.csrf, ...fields })
    // Bytes as a client that does not percent-encode would send them: Т, then two that are no UTF-8.
    const raw = Buffer.concat([Buffer.from(`${form}&locality=%D0%A2`), Buffer.from([0xff, 0xfe, 0x41])])
    const bytes = await unchanged(400, () =>
      agents.editor!.send('POST', '/staff/chronicle/events', raw, formHeaders),
    )
    assert.match(bytes.body, errorOn('locality'))
    // The mark glues itself to the first field's name, so the CSRF token is not found.
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(form)])
    const bom = await unchanged(403, () =>
      agents.editor!.send('POST', '/staff/chronicle/events', marked, formHeaders),
    )
    assert.match(bom.body, /ERR_CSRF/)
  })

  it('keeps formula-looking text as typed, and the public CSV export defuses it', async () => {
    const formula = '=HYPERLINK("http://evil.example/","click")'
    const created = await create(agents.editor!, {
      title_en: formula,
      title_ru: '+cmd|" /C calc"!A0',
      subject: '@SUM(1+1)*cmd',
    })
    const row = await eventRow(created)
    assert.equal((row.title as { en: string }).en, formula)
    assert.equal(row.subject, '@SUM(1+1)*cmd')
    assert.equal((await review(agents.admin!, created, 'verify')).statusCode, 303)
    assert.equal((await review(agents.admin!, created, 'publish')).statusCode, 303)
    const csv = await agents.editor!.get('/chronicle/export.csv')
    assert.equal(csv.statusCode, 200)
    const line = csv.body.split('\r\n').find((text) => text.startsWith(`${created},`))
    assert.ok(line, 'the published event is exported')
    assert.ok(line.includes(`"'=HYPERLINK(""http://evil.example/"",""click"")"`), line)
    assert.ok(line.includes(`"'+cmd|"" /C calc""!A0"`), line)
    assert.doesNotMatch(line, /(^|,)"?[=+@]/, 'no cell starts like a formula')
  })

  it('refuses hostile edits: broken UTF-8, CR/LF, unknown codes, oversized bodies, no CSRF token', async () => {
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const form = await editForm(id)
    const broken = encodeForm({ _csrf: agents.editor!.csrf, ...form }).replace(
      'title_en=Women',
      'title_en=%FF%FEWomen',
    )
    const response = await unchanged(400, () =>
      agents.editor!.send('POST', `/staff/chronicle/events/${id}?_method=PUT`, broken, formHeaders),
    )
    assert.match(response.body, errorOn('title_en'))
    for (const [name, value] of [
      ['title_en', 'Women\r\nblocked'],
      ['type', "protest' OR '1'='1"],
      ['region', 'RU-MOW; DROP TABLE chronicle_events'],
      ['summary_en', 'bad\u0007bell'],
    ] as const) {
      const refused = await unchanged(400, async () => put(agents.editor!, id, { ...form, [name]: value }))
      assert.match(refused.body, errorOn(name), name)
    }
    await unchanged(413, async () => put(agents.editor!, id, { ...form, summary_en: 'я'.repeat(300_000) }))
    await unchanged(403, async () =>
      agents.editor!.post(`/staff/chronicle/events/${id}?_method=PUT`, form, { csrf: null }),
    )
  })

  it('refuses hostile sources, and shows markup in an accepted one as text', async () => {
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const url = `/staff/chronicle/events/${id}/sources`
    const source = { url: '', description: 'Звонок', publisher: '', published_on: '', reliability: 'low' }
    for (const [name, value] of [
      ['url', 'data:text/html,<script>alert(1)</script>'],
      ['url', 'https://example.org/a b'],
      ['publisher', 'ОВД\r\nИнфо'],
      ['description', 'Звонок\u0000'],
      ['published_on', "2022-10-15' OR '1'='1"],
    ] as const) {
      const refused = await unchanged(400, () => agents.editor!.post(url, { ...source, [name]: value }))
      assert.match(refused.body, errorOn(name), `${name}: ${value}`)
      assert.doesNotMatch(refused.body, /<script>alert/)
    }
    const broken = encodeForm({ _csrf: agents.editor!.csrf, ...source }).replace(
      'description=',
      'description=%C3%28',
    )
    const bytes = await unchanged(400, () => agents.editor!.send('POST', url, broken, formHeaders))
    assert.match(bytes.body, errorOn('description'))
    await unchanged(413, () => agents.editor!.post(url, { ...source, description: 'я'.repeat(300_000) }))
    await unchanged(403, () => agents.editor!.post(url, source, { csrf: null }))

    const markup = '<img src=x onerror=alert(1)>'
    assert.equal((await agents.editor!.post(url, { ...source, description: markup })).statusCode, 303)
    const page = await agents.editor!.get(`/staff/chronicle/events/${id}`)
    assert.match(page.body, /&#60;img src&#61;x onerror&#61;alert\(1\)&#62;/)
    assert.doesNotMatch(page.body, /<img src=x/)
  })

  it('refuses hostile review actions, comparisons and filters without a change', async () => {
    await agents.admin!.get(`/staff/chronicle/events/${id}`)
    const version = String((await eventRow(id)).version)
    for (const action of ['verify', 'dispute', 'publish']) {
      for (const bad of ["1' OR '1'='1", '', '0x1', '１']) {
        await unchanged(400, () =>
          agents.admin!.post(`/staff/chronicle/events/${id}/${action}`, { version: bad }),
        )
      }
      await unchanged(403, () =>
        agents.admin!.post(`/staff/chronicle/events/${id}/${action}`, { version }, { csrf: null }),
      )
    }
    await unchanged(403, () =>
      agents.admin!.post(`/staff/chronicle/events/${id}/unpublish`, {}, { csrf: null }),
    )
    for (const query of ['a=1&b=1%20OR%201=1', 'a=-1&b=1', 'a=1&a=2&b=1', 'a=%FF&b=1', 'a=1e3&b=1'])
      await unchanged(404, () => agents.editor!.get(`/staff/chronicle/events/${id}/compare?${query}`))
    for (const query of [
      `q=${encodeURIComponent('a\r\nb')}`,
      'published=maybe',
      'status=verified&status=reported',
    ])
      await unchanged(400, () => agents.editor!.get(`/staff/chronicle?${query}`))
    // Undecodable escapes stay as typed: a search for the text "%FF%FE", not broken characters.
    const literal = await unchanged(200, () => agents.editor!.get('/staff/chronicle?q=%FF%FE'))
    assert.match(literal.body, /id="field-q"[^>]* value="%FF%FE"/)
    const cursor = await unchanged(400, () => agents.editor!.get("/staff/chronicle?before=1'--"))
    assert.match(cursor.body, /<li>The link to older events is broken\./)
    assert.doesNotMatch(cursor.body, /href="#field-before"/)
  })
})

describe('the staff list', () => {
  it('pages by 50 with an "older" link', async () => {
    const rows = Array.from({ length: 55 }, (_, index) => ({
      title: JSON.stringify({ en: `Paged event ${index}` }),
      summary: '{}',
      status: 'reported' as const,
    }))
    await t.store.db.insertInto('chronicle_events').values(rows).execute()
    const first = await agents.editor!.get('/staff/chronicle?q=paged')
    assert.equal(first.statusCode, 200)
    assert.equal(first.body.match(/Paged event \d+/g)?.length, 50)
    // ghtml escapes & and = in attributes as numeric entities.
    const older = /<nav class="pager"[^>]*><a rel="next" href="([^"]+)"/
      .exec(first.body)?.[1]
      ?.replace(/&#(\d+);/g, (_, code) => String.fromCharCode(Number(code)))
    assert.ok(older)
    const second = await agents.editor!.get(older)
    assert.equal(second.body.match(/Paged event \d+/g)?.length, 5)
    assert.doesNotMatch(second.body, /Older events/)
  })
})

describe('history, compare and conflict pages name types and regions', () => {
  it('in the page’s language, never by code', async () => {
    const id = await create(agents.editor!)
    await agents.editor!.get(`/staff/chronicle/events/${id}`)
    const moved = await put(agents.editor!, id, await editForm(id, { region: 'RU-MOW', type: 'picket' }))
    assert.equal(moved.statusCode, 303)
    const history = (await agents.editor!.get(`/staff/chronicle/events/${id}/history`)).body
    assert.match(history, /Karachay-Cherkessia → Moscow/)
    assert.match(history, /Protest → Picket/)
    const compare = (await agents.editor!.get(`/staff/chronicle/events/${id}/compare?a=1&b=2`)).body
    assert.match(compare, /<td>Karachay-Cherkessia<\/td><td>Moscow<\/td>/)
    await agents.coordinator!.get(`/staff/chronicle/events/${id}`)
    const conflict = await put(
      agents.coordinator!,
      id,
      await editForm(id, { version: '1', region: 'RU-SPE' }),
    )
    assert.equal(conflict.statusCode, 409)
    assert.match(conflict.body, /<td>Karachay-Cherkessia<\/td><td>Moscow<\/td>\s*<td>Saint Petersburg<\/td>/)
    // Choosing a language remembers it and comes back to the page.
    await agents.editor!.get(`/staff/chronicle/events/${id}/history?lang=ru`)
    const ru = (await agents.editor!.get(`/staff/chronicle/events/${id}/history`)).body
    await agents.editor!.get(`/staff/chronicle/events/${id}/history?lang=en`)
    assert.match(ru, /Карачаево-Черкесская Республика → Москва/)
    for (const page of [history, compare, conflict.body, ru])
      assert.doesNotMatch(
        page.replace(/<select[\s\S]*?<\/select>/g, ''),
        /RU-(KC|MOW|SPE)|>(protest|picket)</,
      )
  })
})
