/**
 * A lived-in Lifeline for looking at every page: a demo chronicle, two help desks with members, reports
 * in every state with replies and notes, staff of every role, and the one-time links and jobs some
 * pages need. The gallery (test/gallery.ts) and the page checks (test/browser/pages.test.ts) fill a
 * fresh server with it; test/support/pages.ts fills the page list's paths with its ids.
 *
 * What people do goes through the app's own routes (forms sent as a browser sends them), so the data is
 * what the app itself makes; only what has no form (a finished re-keying, a queued import) is inserted.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { sql } from 'kysely'
import { generateDemo } from '../../src/modules/chronicle/demo/generate.ts'
import { addWorker } from '../../src/modules/helpdesk/commands/add-worker.ts'
import { openHelpdesk } from '../../src/modules/helpdesk/commands/open-helpdesk.ts'
import { formToken, sendDetained, shownReceipt } from '../../src/modules/helpdesk/testing/forms.ts'
import { createInvite } from '../../src/platform/auth/invites.ts'
import type { Db } from '../../src/platform/db/database.ts'
import { type Role, roles } from '../../src/platform/policy.ts'
import { findText, textRecord } from '../../src/platform/texts/texts.ts'
import { type Agent, agent } from './agent.ts'
import { timeStep } from './browser.ts'
import { createStaff, signIn, type TestStaff } from './factories.ts'
import { multipartBody } from './multipart.ts'
import type { TestServer } from './server.ts'

const ovdinfoSample = new URL('../fixtures/ovdinfo-moscow-2011-2012.csv', import.meta.url)

/** A staff member of the sample, and the last TOTP time step their sign-ins used. */
export type SampleStaff = TestStaff & { name: string; lastStep: number }

/** The ids and secrets of the sample that pages' paths and forms need. */
export type Sample = {
  /** One member of each role, on both desks where their role works a desk. */
  staff: Record<Role, SampleStaff>
  /** A lawyer who has a password but no second factor yet. */
  enrolling: SampleStaff
  desk: string
  /** A member of `desk` who may be removed from it. */
  leaving: string
  rotation: string
  template: number
  reports: { replied: string; waiting: string; closed: string }
  /** The receipt of `reports.replied`, whose writer has answered the desk. */
  receipt: string
  event: number
  /** The event's latest version (its history compares the first with it). */
  eventVersion: number
  /** Another event, to show merging it into `event`. */
  otherEvent: number
  person: number
  case: number
  term: number
  importJob: string
  exportJob: string
  tokens: { signup: string; reset: string; setup: string }
}

const names: Record<Role, string> = {
  admin: 'Ирина Админова',
  coordinator: 'Ольга Координатова',
  lawyer: 'Павел Юристов',
  editor: 'Мария Редакторова',
  treasurer: 'Сергей Казначеев',
  volunteer: 'Дмитрий Волонтёров',
}

async function staffMember(db: Db, role: Role, name: string, totp = true): Promise<SampleStaff> {
  const staff = await createStaff(db, { roles: [role], totp })
  await db.updateTable('users').set({ display_name: name }).where('id', '=', staff.id).execute()
  // createStaff records step 0 as used.
  return { ...staff, name, lastStep: 0 }
}

// Signs a member in over HTTP for the sample's own actions, and notes the TOTP step it used.
async function signedIn(server: TestServer, staff: SampleStaff): Promise<Agent> {
  const member = await signIn(server.app, staff)
  staff.lastStep = timeStep()
  return member
}

// Each writer comes from an address of their own, as the public forms count posts per address.
let writers = 0
function writer(server: TestServer): Agent {
  writers += 1
  return agent(server.app, 'ru', { address: `10.20.0.${writers}` })
}

async function newestReport(db: Db, known: Set<string>): Promise<string> {
  const rows = await db.selectFrom('helpdesk_reports').select('id').execute()
  const fresh = rows.map((row) => row.id).filter((id) => !known.has(id))
  assert.equal(fresh.length, 1, 'one new report')
  known.add(fresh[0]!)
  return fresh[0]!
}

async function sendLegal(from: Agent, answers: Record<string, string>): Promise<string> {
  const form = await from.get('/help/legal')
  assert.equal(form.statusCode, 200)
  const sent = await from.post('/help/legal', { token: formToken(form.body), ...answers })
  assert.equal(sent.statusCode, 201, sent.body)
  return shownReceipt(sent.body)
}

async function post(member: Agent, url: string, form: Record<string, string>): Promise<void> {
  const response = await member.post(url, form)
  assert.equal(response.statusCode, 303, `${url}: ${response.statusCode}\n${response.body.slice(0, 2000)}`)
  // Like a browser, follow to the page, whose forms carry the CSRF token for the next post.
  await member.get(response.headers.location!)
}

async function regionIds(db: Db, codes: string[]): Promise<number[]> {
  const rows = await db
    .selectFrom('vocab_terms')
    .select('id')
    .where('vocabulary', '=', 'region')
    .where('code', 'in', codes)
    .execute()
  return rows.map((row) => row.id)
}

async function openDesk(
  db: Db,
  actorId: string,
  members: string[],
  desk: { slug: string; name: string; takesRest: boolean; regionIds: number[] },
): Promise<string> {
  const deskId = await openHelpdesk(db, { ...desk, retentionDays: 90, actorId })
  for (const userId of members) await addWorker(db, { deskId, userId, actorId })
  return deskId
}

/** Reports in different states, written and answered through the forms. */
async function fillHelpdesk(server: TestServer, staff: Record<Role, SampleStaff>) {
  const { db } = server.store
  const known = new Set<string>()
  const workers = [staff.coordinator, staff.lawyer, staff.volunteer].map((member) => member.id)
  const leavingMember = await staffMember(db, 'volunteer', 'Анна Уходящая')
  const desk = await openDesk(db, staff.admin.id, [...workers, leavingMember.id], {
    slug: 'moskva',
    name: 'Москва и Петербург',
    takesRest: false,
    regionIds: await regionIds(db, ['RU-MOW', 'RU-SPE']),
  })
  await openDesk(db, staff.admin.id, workers, {
    slug: 'regiony',
    name: 'Регионы',
    takesRest: true,
    regionIds: [],
  })

  const anna = writer(server)
  const sent = await sendDetained(anna, {
    fullName: 'Кузнецова Анна Сергеевна',
    birthDate: '1994',
    flags: ['health'],
    who: 'Анна К., 31 год\nзадержана на пикете у метро',
    people: '2',
    place: 'Пушкинская площадь',
    station: 'ОВД «Тверской»',
    needs: ['lawyer', 'medicine'],
    details: 'Нужен ингалятор от астмы.\nТелефон забрали.',
    contact: 'Signal: @sestra_anny',
    region: 'RU-MOW',
    publishFacts: 'yes',
    consentBy: 'agreed',
  })
  assert.equal(sent.statusCode, 201, sent.body.slice(0, 2000))
  const receipt = shownReceipt(sent.body)
  const replied = await newestReport(db, known)

  await sendLegal(writer(server), {
    category: 'fine',
    name: 'Борис',
    deadline: '2031-03-01',
    details: 'Пришёл штраф по 20.3.3 за пост в соцсети.\nЧто делать до суда?',
    region: 'RU-SPE',
    contact: 'boris@example.org',
  })
  const waiting = await newestReport(db, known)
  await sendLegal(writer(server), {
    category: 'summons',
    details: 'Вызывают на беседу в центр «Э».',
    region: 'RU-TUL',
  })
  const closed = await newestReport(db, known)
  const fresh = await sendDetained(writer(server), {
    who: 'Трое студентов',
    place: 'Невский проспект',
    region: 'RU-SPE',
    needs: ['food', 'family'],
  })
  assert.equal(fresh.statusCode, 201)
  await newestReport(db, known)

  const lawyer = await signedIn(server, staff.lawyer)
  const base = '/staff/helpdesk/reports'
  await post(lawyer, `${base}/${replied}/claim`, {})
  await post(lawyer, `${base}/${replied}/messages`, {
    author: 'desk',
    text: 'Анна, адвокат едет в ОВД.\nНе подписывайте ничего без него.',
  })
  await post(lawyer, `${base}/${replied}/messages`, { author: 'note', text: 'Звонил дежурному: она там.' })
  await post(lawyer, `${base}/${replied}/status`, { status: 'in_progress' })
  const opened = await anna.post('/help/report', { receipt })
  assert.equal(opened.statusCode, 200)
  const answered = await anna.post('/help/report/reply', {
    receipt,
    token: formToken(opened.body),
    message: 'Спасибо!\nЕё отпустили в 23:00.',
  })
  assert.equal(answered.statusCode, 200)

  const coordinator = await signedIn(server, staff.coordinator)
  await post(coordinator, `${base}/${waiting}/assign`, { assignee: staff.lawyer.id })
  await post(lawyer, `${base}/${waiting}/messages`, { author: 'desk', text: 'Пришлите фото постановления.' })
  await post(lawyer, `${base}/${waiting}/status`, { status: 'waiting' })
  await post(coordinator, `${base}/${closed}/status`, { status: 'closed', outcome: 'helped' })
  // An edit of the rights guide by the coordinator, so its history shows a change by a member.
  const rights = (await findText(db, 'helpdesk.rights'))!
  await post(coordinator, '/staff/helpdesk/texts/rights', {
    ...textRecord(rights),
    version: String(rights.version),
    title_ru: 'Знайте свои права при задержании',
  })

  const rotation = await db
    .insertInto('desk_rotations')
    .values({
      desk_id: desk,
      started_by: staff.coordinator.id,
      state: 'finished',
      total: 4,
      started_at: new Date(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const template = await db
    .selectFrom('helpdesk_templates')
    .select('id')
    .orderBy('id')
    .executeTakeFirstOrThrow()
  return {
    desk,
    leaving: leavingMember.id,
    rotation: rotation.id,
    template: template.id,
    reports: { replied, waiting, closed },
    receipt,
  }
}

// The first id `candidates` gives whose public page answers 200 (some persons and cases are withheld).
async function firstShown(server: TestServer, path: string, candidates: number[]): Promise<number> {
  const visitor = agent(server.app, 'ru')
  for (const id of candidates) if ((await visitor.get(`${path}/${id}`)).statusCode === 200) return id
  throw new Error(`no public page among ${path}/${candidates.join(',')}`)
}

/** A demo chronicle, a proposed term, an import and an export job. */
async function fillChronicle(server: TestServer, staff: Record<Role, SampleStaff>, events: number) {
  const { db } = server.store
  await generateDemo(db, { events, seed: 12, batchSize: events })
  const withCases = await db
    .selectFrom('chronicle_acts')
    .innerJoin('chronicle_events', 'chronicle_events.id', 'chronicle_acts.event_id')
    .select(['chronicle_acts.event_id', 'chronicle_acts.person_id', 'chronicle_acts.case_id'])
    .where('chronicle_events.published_at', 'is not', null)
    .where('chronicle_events.sensitive', '=', false)
    .where('chronicle_acts.case_id', 'is not', null)
    .where('chronicle_acts.person_id', 'is not', null)
    .orderBy('chronicle_acts.event_id')
    .limit(40)
    .execute()
  const event = await firstShown(
    server,
    '/chronicle/events',
    withCases.map((act) => Number(act.event_id)),
  )
  const person = await firstShown(
    server,
    '/chronicle/persons',
    withCases.map((act) => Number(act.person_id)),
  )
  const kase = await firstShown(
    server,
    '/chronicle/cases',
    withCases.map((act) => Number(act.case_id)),
  )
  const term = await db
    .insertInto('vocab_terms')
    .values({
      vocabulary: 'event_type',
      code: 'flash_mob',
      labels: JSON.stringify({ ru: 'Флешмоб', en: 'Flash mob', uk: 'Флешмоб' }),
      status: 'proposed',
      extra: '{}',
      proposed_by: staff.editor.id,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  // An editor verifies the event, so its history has a second version to compare with the first.
  const editor = await signedIn(server, staff.editor)
  await editor.get(`/staff/chronicle/events/${event}`)
  const { version } = await db
    .selectFrom('chronicle_events')
    .select('version')
    .where('id', '=', event)
    .executeTakeFirstOrThrow()
  await post(editor, `/staff/chronicle/events/${event}/verify`, { version: String(version) })
  // A dry run of OVD-Info's sample table, uploaded as the import page sends it (no worker runs it here).
  await editor.get('/staff/chronicle/import')
  const upload = multipartBody([
    { name: '_csrf', value: editor.csrf },
    { name: 'mapping', value: 'ovdinfo-moscow-2011-2012' },
    { name: 'mode', value: 'dry' },
    { name: 'file', filename: 'ovdinfo.csv', type: 'text/csv', value: readFileSync(ovdinfoSample) },
  ])
  const imported = await editor.send('POST', '/staff/chronicle/import', upload.body, {
    'content-type': upload.type,
  })
  assert.equal(imported.statusCode, 303, imported.body.slice(0, 2000))
  const importJob = imported.headers.location!.split('/').pop()!
  const reader = agent(server.app, 'ru', { address: '10.30.0.1' })
  await reader.get('/chronicle')
  const exported = await reader.post('/chronicle/exports', { format: 'csv', region: 'RU-MOW' })
  assert.equal(exported.statusCode, 303, exported.body.slice(0, 2000))
  const exportJob = exported.headers.location!.split('/').pop()!
  const verified = await db
    .selectFrom('chronicle_events')
    .select('version')
    .where('id', '=', event)
    .executeTakeFirstOrThrow()
  // A second report of the event from another source, not yet reviewed: the likely duplicate the event
  // page, the duplicates list and the merge page show.
  const {
    rows: [other],
  } = await sql<{ id: number }>`
    INSERT INTO chronicle_events (title, type_id, region_id, locality, start_date, start_precision, sensitive)
    SELECT jsonb_build_object('ru', (title->>'ru') || ' (второй источник)'), type_id, region_id, locality,
      start_date, start_precision, sensitive
    FROM chronicle_events WHERE id = ${event} RETURNING id`.execute(db)
  await db
    .insertInto('chronicle_sources')
    .values({
      event_id: other!.id,
      url: 'https://example.org/second-report',
      publisher: 'Второй источник',
      reliability: 'medium',
    })
    .execute()
  return {
    event,
    eventVersion: verified.version,
    otherEvent: Number(other!.id),
    person,
    case: kase,
    term: term.id,
    importJob,
    exportJob,
  }
}

/** Fills a fresh server with the sample; `events` is the size of the demo chronicle. */
export async function fillSample(server: TestServer, options: { events?: number } = {}): Promise<Sample> {
  const { db } = server.store
  const staff = {} as Record<Role, SampleStaff>
  for (const role of roles) staff[role] = await staffMember(db, role, names[role])
  const enrolling = await staffMember(db, 'lawyer', 'Пётр Новичков', false)
  const helpdesk = await fillHelpdesk(server, staff)
  const chronicle = await fillChronicle(server, staff, options.events ?? 300)
  const signup = await createInvite(db, { kind: 'invite', roles: ['lawyer'], createdBy: staff.admin.id })
  const reset = await createInvite(db, { kind: 'reset', roles: [], userId: staff.volunteer.id })
  const setup = await createInvite(db, { kind: 'setup', roles: ['admin'] })
  return {
    staff,
    enrolling,
    ...helpdesk,
    ...chronicle,
    tokens: { signup: signup.token, reset: reset.token, setup: setup.token },
  }
}
