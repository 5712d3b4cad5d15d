import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, test } from 'node:test'
import { sql } from 'kysely'
import type { Agent } from '../../../../test/support/agent.ts'
import { agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { multipartBody, type Part } from '../../../../test/support/multipart.ts'
import { settleImports } from '../commands/import/run-job.ts'
import { importJob } from '../jobs/import.ts'
import { csvColumns } from '../present/export-formats.ts'
import { ensureImportTerms } from '../testing/import.ts'
import { uploadLimitBytes } from './import.ts'

const ovdinfo = readFileSync(
  new URL('../../../../test/fixtures/ovdinfo-moscow-2011-2012.csv', import.meta.url),
)
let context: TestApp
let editor: Agent
let coordinator: Agent

before(async () => {
  context = await testApp({ jobs: [importJob] })
  await ensureImportTerms(context.store.db)
  editor = await signIn(context.app, await createStaff(context.store.db, { roles: ['editor'] }))
  coordinator = await signIn(context.app, await createStaff(context.store.db, { roles: ['coordinator'] }))
})
after(async () => {
  await settleImports(context.store.db)
  await context.close()
})

// The upload form's fields, then its file, as the page's form sends them.
function multipart(fields: Record<string, string>, file?: { name: string; content: Buffer }) {
  const parts: Part[] = Object.entries(fields).map(([name, value]) => ({ name, value }))
  if (file) parts.push({ name: 'file', filename: file.name, type: 'text/csv', value: file.content })
  const { body, type } = multipartBody(parts)
  return { body, headers: { 'content-type': type } }
}

async function upload(who: Agent, fields: Record<string, string>, content: Buffer, csrf?: string) {
  await who.get('/staff/chronicle/import')
  const { body, headers } = multipart({ _csrf: csrf ?? who.csrf, ...fields }, { name: 'file.csv', content })
  return who.send('POST', '/staff/chronicle/import', body, headers)
}

// Uploads are kept in the database, where every app node reaches them; unfinished ones count too.
const uploadsLeft = async () =>
  (
    await context.store.db
      .selectFrom('stored_files')
      .select(sql<number>`count(*)::int`.as('count'))
      .where('kind', '=', 'chronicle-import')
      .executeTakeFirstOrThrow()
  ).count
const eventCount = async () =>
  (
    await context.store.db
      .selectFrom('chronicle_events')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow()
  ).count

test('the import page offers the bundled mappings (OVD-Info, Lifeline export) to editors and coordinators only', async () => {
  const page = await editor.get('/staff/chronicle/import')
  assert.equal(page.statusCode, 200)
  assert.match(page.body, /<option value="ovdinfo-moscow-2011-2012"/)
  // Every bundled mapping is offered, the one that reads Lifeline's own export back too.
  assert.match(page.body, /<option value="lifeline-export"/)
  assert.match(page.body, /enctype="multipart\/form-data"/)
  assert.equal((await coordinator.get('/staff/chronicle/import')).statusCode, 200)
  const lawyer = await signIn(context.app, await createStaff(context.store.db, { roles: ['lawyer'] }))
  assert.equal((await lawyer.get('/staff/chronicle/import')).statusCode, 404)
  assert.equal((await agent(context.app).get('/staff/chronicle/import')).statusCode, 303)
})

test('upload → dry run report → import: 180 events, and the file is gone afterwards', async () => {
  const dry = await upload(editor, { mapping: 'ovdinfo-moscow-2011-2012', mode: 'dry' }, ovdinfo)
  assert.equal(dry.statusCode, 303, dry.body)
  await settleImports(context.store.db)
  const report = await editor.get(dry.headers.location as string)
  assert.equal(report.statusCode, 200)
  assert.match(report.body, /Every row is valid/)
  assert.match(report.body, /<dd>180<\/dd>/)
  assert.equal(await eventCount(), 0)
  assert.equal(await uploadsLeft(), 1)

  const jobId = (dry.headers.location as string).split('/').pop()
  const run = await editor.post(`/staff/chronicle/import/jobs/${jobId}/run`, {})
  assert.equal(run.statusCode, 303)
  await settleImports(context.store.db)
  const done = await editor.get(run.headers.location as string)
  assert.match(done.body, /Written: 180 new, 0 updated, 0 unchanged/)
  assert.equal(await eventCount(), 180)
  assert.equal(await uploadsLeft(), 0)
  // The same dry run can't be imported twice.
  assert.equal((await editor.post(`/staff/chronicle/import/jobs/${jobId}/run`, {})).statusCode, 409)
  const audited = await context.store.db
    .selectFrom('audit_log')
    .select('action')
    .where('action', '=', 'chronicle.imported')
    .execute()
  assert.equal(audited.length, 1)
})

test('a coordinator may dry-run a publishing mapping but not import with it', async () => {
  const refused = await upload(coordinator, { mapping: 'ovdinfo-moscow-2011-2012', mode: 'import' }, ovdinfo)
  assert.equal(refused.statusCode, 403)
  assert.match(refused.body, /ERR_IMPORT_PUBLISH_FORBIDDEN/)
  assert.equal(await uploadsLeft(), 0)
  const dry = await upload(coordinator, { mapping: 'ovdinfo-moscow-2011-2012', mode: 'dry' }, ovdinfo)
  assert.equal(dry.statusCode, 303)
  await settleImports(context.store.db)
  const jobId = (dry.headers.location as string).split('/').pop()
  assert.equal((await coordinator.post(`/staff/chronicle/import/jobs/${jobId}/run`, {})).statusCode, 403)
})

test('hostile uploads: no CSRF, not signed in, oversized, broken encoding — refused or reported, nothing written', async () => {
  const before = await eventCount()
  const files = await uploadsLeft()
  const forged = await upload(
    editor,
    { mapping: 'ovdinfo-moscow-2011-2012', mode: 'import' },
    ovdinfo,
    'forged',
  )
  assert.equal(forged.statusCode, 403)
  assert.equal(await uploadsLeft(), files)

  const stranger = agent(context.app)
  const { body, headers } = multipart(
    { mapping: 'ovdinfo-moscow-2011-2012', mode: 'import' },
    { name: 'x.csv', content: ovdinfo },
  )
  assert.equal((await stranger.send('POST', '/staff/chronicle/import', body, headers)).statusCode, 404)
  assert.equal(await uploadsLeft(), files)

  const huge = await upload(
    editor,
    { mapping: 'ovdinfo-moscow-2011-2012', mode: 'dry' },
    Buffer.alloc(uploadLimitBytes + 10, 'a'),
  )
  assert.equal(huge.statusCode, 413)
  assert.match(huge.body, /ERR_IMPORT_TOO_LARGE/)
  assert.equal(await uploadsLeft(), files)

  const empty = await upload(editor, { mapping: 'ovdinfo-moscow-2011-2012', mode: 'dry' }, Buffer.alloc(0))
  assert.equal(empty.statusCode, 400)
  const unknown = await upload(editor, { mapping: '<b>nope</b>', mode: 'dry' }, ovdinfo)
  assert.equal(unknown.statusCode, 400)
  assert.doesNotMatch(unknown.body, /<b>nope/)

  // Windows-1251 bytes where UTF-8 is expected: every Cyrillic row reported, and an import writes nothing.
  const cp1251 = Buffer.from(
    [...ovdinfo.toString('utf8')].map((char) => {
      const code = char.charCodeAt(0)
      return code >= 0x410 && code <= 0x44f ? code - 0x410 + 0xc0 : code < 0x80 ? code : 0x3f
    }),
  )
  const broken = await upload(editor, { mapping: 'ovdinfo-moscow-2011-2012', mode: 'import' }, cp1251)
  assert.equal(broken.statusCode, 303)
  await settleImports(context.store.db)
  const page = await editor.get(broken.headers.location as string)
  assert.match(page.body, /Nothing was written/)
  assert.match(page.body, /not valid in the file&#39;s encoding|not valid in the file's encoding/)
  assert.equal(await eventCount(), before)
})

test('damaged uploads get the page back with a 400; a token after the file is refused before it is kept', async () => {
  const files = await uploadsLeft()
  await editor.get('/staff/chronicle/import')
  const whole = multipart(
    { _csrf: editor.csrf, mapping: 'ovdinfo-moscow-2011-2012', mode: 'dry' },
    {
      name: 'x.csv',
      content: ovdinfo,
    },
  )
  const boundary = /boundary=(.*)$/.exec(whole.headers['content-type'])![1]!
  const damaged = {
    'cut off in the file': [whole.body.subarray(0, whole.body.length - 2000), whole.headers],
    'no boundary': [whole.body, { 'content-type': 'multipart/form-data' }],
    'another boundary': [whole.body, { 'content-type': 'multipart/form-data; boundary=elsewhere' }],
    'a part without an end': [
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"`),
      whole.headers,
    ],
  } as const
  for (const [name, [body, headers]] of Object.entries(damaged)) {
    const response = await editor.send('POST', '/staff/chronicle/import', body, headers)
    assert.ok([400, 403].includes(response.statusCode), `${name}: ${response.statusCode}`)
    if (response.statusCode === 400) assert.match(response.body, /arrived damaged/, name)
  }
  const cut = await editor.send(
    'POST',
    '/staff/chronicle/import',
    damaged['cut off in the file'][0],
    whole.headers,
  )
  assert.equal(cut.statusCode, 400)
  // The token sent after the file: the file would have to be kept before the token is seen.
  const late = multipartBody([
    { name: 'mapping', value: 'ovdinfo-moscow-2011-2012' },
    { name: 'mode', value: 'dry' },
    { name: 'file', filename: 'x.csv', type: 'text/csv', value: ovdinfo },
    { name: '_csrf', value: editor.csrf },
  ])
  const refused = await editor.send('POST', '/staff/chronicle/import', late.body, {
    'content-type': late.type,
  })
  assert.equal(refused.statusCode, 403)
  assert.equal(await uploadsLeft(), files, 'nothing kept')
})

test('saving a mapping: invalid JSON and invalid mappings are explained; a valid one is listed', async () => {
  await editor.get('/staff/chronicle/import')
  const notJson = await editor.post('/staff/chronicle/import/mappings', { mappingJson: '{"name": <script>' })
  assert.equal(notJson.statusCode, 400)
  assert.match(notJson.body, /This is not valid JSON/)
  assert.doesNotMatch(notJson.body, /<script>/)
  const invalid = await editor.post('/staff/chronicle/import/mappings', {
    mappingJson: JSON.stringify({ name: 'x', externalSource: 's', source: {}, fields: {}, publish: true }),
  })
  assert.equal(invalid.statusCode, 400)
  assert.match(invalid.body, /Only verified or disputed events can be published/)
  const mapping = {
    name: 'Memorial list',
    externalSource: 'memorial',
    source: { description: 'Memorial' },
    fields: { 'title.ru': { column: 'name' }, externalId: { column: 'id' } },
  }
  const saved = await editor.post('/staff/chronicle/import/mappings', {
    mappingJson: JSON.stringify(mapping),
  })
  assert.equal(saved.statusCode, 303)
  const page = await editor.get('/staff/chronicle/import?saved=1')
  assert.match(page.body, /<option value="Memorial list"/)
  assert.match(page.body, /The mapping was saved/)
})

test("a mapping's problems are told in the reader's language, limits included, never in zod's English", async () => {
  const russian = await signIn(context.app, await createStaff(context.store.db, { roles: ['editor'] }))
  await russian.get('/staff/chronicle/import?lang=ru')
  await russian.get('/staff/chronicle/import')
  const response = await russian.post('/staff/chronicle/import/mappings', {
    mappingJson: JSON.stringify({
      name: 'и'.repeat(101),
      format: 'xml',
      publish: 'yes',
      source: { url: 'not a link' },
      fields: { 'title.ru': { column: 'title' }, colour: { column: 'c' } },
      extra: 1,
    }),
  })
  assert.equal(response.statusCode, 400)
  const problems = [...response.body.matchAll(/<li>([^<]*)<\/li>/g)].map((match) => match[1])
  for (const line of [
    'name: Не больше 100 символов.',
    'format: Допустимые значения: csv, ndjson, json.',
    'publish: Здесь нужно true или false.',
    'externalSource: Заполните это поле.',
    'source.url: Введите полную ссылку, начинающуюся с https:// или http://.',
    'fields: Неизвестный ключ: colour.',
    '(mapping): Неизвестный ключ: extra.',
  ])
    assert.ok(problems.includes(line), `${line} in ${problems.join(' | ')}`)
  assert.doesNotMatch(response.body, /Too big|Invalid input|Invalid option|Unrecognized key|Invalid URL/)
})

test('job pages: a malformed or unknown id is 404; an NDJSON dry run reports broken lines', async () => {
  assert.equal((await editor.get('/staff/chronicle/import/jobs/not-a-uuid')).statusCode, 404)
  assert.equal((await editor.get("/staff/chronicle/import/jobs/1' OR '1'='1")).statusCode, 404)
  assert.equal(
    (await editor.get('/staff/chronicle/import/jobs/00000000-0000-4000-8000-000000000000')).statusCode,
    404,
  )
  await editor.get('/staff/chronicle/import')
  const mapping = {
    name: 'ndjson test',
    format: 'ndjson',
    externalSource: 'ndjson-test',
    source: { description: 'test' },
    fields: { externalId: { column: 'id' }, 'title.en': { column: 'title' } },
  }
  assert.equal(
    (await editor.post('/staff/chronicle/import/mappings', { mappingJson: JSON.stringify(mapping) }))
      .statusCode,
    303,
  )
  const lines = Buffer.from('{"id": 1, "title": "<img src=x onerror=alert(1)>"}\n{broken\n')
  const dry = await upload(editor, { mapping: 'ndjson test', mode: 'dry' }, lines)
  assert.equal(dry.statusCode, 303)
  await settleImports(context.store.db)
  const page = await editor.get(dry.headers.location as string)
  assert.match(page.body, /This line is not valid JSON/)
  assert.match(page.body, /Contains HTML markup/)
  assert.doesNotMatch(page.body, /<img src=x/)
})

test("a dry run with the mapping for Lifeline's earlier CSV exports says it publishes by each row's status, and names unknown articles", async () => {
  // A file as exports were before they had the qualifiers and the whole sources and acts.
  const columns = csvColumns.filter((column) => !/_qualifier$|_json$/.test(column))
  const row = (cells: Partial<Record<(typeof csvColumns)[number], string>>) =>
    columns.map((column) => cells[column] ?? '').join(',')
  const event = { title_ru: 'Пикет', type: 'picket', start_date: '2022-03-06', start_precision: 'day' }
  const file = Buffer.from(
    [
      columns.join(','),
      row({ ...event, id: '1', status: 'verified', articles: 'koap-20.2', sources: 'https://example.org/1' }),
      row({ ...event, id: '2', status: 'disputed', articles: 'uk-999', sources: 'https://example.org/2' }),
    ].join('\r\n'),
  )
  const dry = await upload(editor, { mapping: 'lifeline-export-v1', mode: 'dry' }, file)
  assert.equal(dry.statusCode, 303, dry.body)
  await settleImports(context.store.db)
  const page = await editor.get(dry.headers.location as string)
  assert.match(page.body, /takes each event&#39;s status from the file/)
  assert.match(page.body, /<td>Articles<\/td><td>uk-999<\/td>/)
  assert.match(page.body, /<dt>Invalid rows<\/dt><dd>1<\/dd>/)
})
