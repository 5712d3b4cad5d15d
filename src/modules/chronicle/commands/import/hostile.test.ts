import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { importTestStore, importText } from '../../testing/import.ts'
import { parseMapping } from './mapping.ts'

const store = importTestStore()

const mapping = parseMapping({
  name: 'test',
  externalSource: 'test-file',
  source: { description: 'Test file', reliability: 'medium' },
  fields: {
    externalId: { column: 'id' },
    'title.ru': { template: '{type}: {subject}' },
    'summary.ru': { column: 'comment' },
    type: { column: 'type', values: { пикет: 'picket', митинг: 'rally' } },
    startDate: { column: 'date', format: 'dd.mm.yyyy' },
    region: { constant: 'RU-MOW' },
    detained: { column: 'total' },
    authorised: { column: 'agreement', values: { согласовано: true, 'не согласовано': false } },
    subject: { column: 'subject' },
  },
})
const header = 'date,agreement,type,subject,comment,total,id'
const good = [
  '04.12.2011,не согласовано,митинг,Выборы,,198,1',
  '05.12.2011,согласовано,пикет,Выборы,тихо,3,2',
]
const csv = (...rows: string[]) => `${[header, ...rows].join('\n')}\n`

const events = async () =>
  (
    await store.db
      .selectFrom('chronicle_events')
      .select(sql<number>`count(*)::int`.as('count'))
      .executeTakeFirstOrThrow()
  ).count

test('BOM and CRLF line ends are read like any file', async () => {
  const report = await importText(store.db, mapping, `\ufeff${csv(...good).replace(/\n/g, '\r\n')}`)
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
  assert.equal(report.inserted, 2)
  const row = await store.db
    .selectFrom('chronicle_events')
    .select(['summary'])
    .where('external_id', '=', '2')
    .executeTakeFirstOrThrow()
  assert.deepEqual(row.summary, { ru: 'тихо' })
})

test('a quoted newline stays inside its cell (multi-line comment kept, one row)', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(good[0] ?? '', '05.12.2011,согласовано,пикет,Выборы,"строка 1\r\nстрока 2",3,2'),
  )
  assert.equal(report.rows, 2)
  assert.equal(report.inserted, 2)
  const row = await store.db
    .selectFrom('chronicle_events')
    .select(['summary'])
    .where('external_id', '=', '2')
    .executeTakeFirstOrThrow()
  assert.deepEqual(row.summary, { ru: 'строка 1\nстрока 2' })
})

test('an unterminated quote is reported at its row and nothing is committed', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(...good, '06.12.2011,согласовано,пикет,"Выборы,,5,3', '07.12.2011,согласовано,пикет,Выборы,,5,4'),
  )
  assert.equal(report.written, false)
  assert.equal(report.stoppedAt, 3)
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.key]),
    [[3, 'chronicle.import.error.csvQuoteNotClosed']],
  )
  assert.equal(await events(), 0)
})

test('a Windows-1251 file read as UTF-8 is refused row by row; with its encoding named it imports', async () => {
  const cp1251 = Buffer.from(
    [...csv(...good)].map((char) => {
      const code = char.charCodeAt(0)
      if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0
      return code
    }),
  )
  const report = await importText(store.db, mapping, cp1251)
  assert.equal(report.valid, 0)
  assert.deepEqual(report.errors.map((error) => [error.row, error.key]).slice(0, 2), [
    [1, 'chronicle.import.error.encoding'],
    [1, 'chronicle.import.error.encoding'],
  ])
  assert.ok(report.errors.some((error) => error.row === 2))
  assert.equal(report.written, false)
  assert.equal(await events(), 0)

  const right = await importText(store.db, { ...mapping, encoding: 'windows-1251' }, cp1251)
  assert.equal(right.inserted, 2, JSON.stringify(right.errors))
  const row = await store.db
    .selectFrom('chronicle_events')
    .select(['subject'])
    .where('external_id', '=', '1')
    .executeTakeFirstOrThrow()
  assert.equal(row.subject, 'Выборы')
})

test('markup, SQL and formula-looking cells are stored as text and flagged per row; control characters refuse the row', async () => {
  const hostile = [
    "04.12.2011,согласовано,пикет,<script>alert(1)</script>,=cmd|' /C calc'!A0,1,1",
    "05.12.2011,согласовано,пикет,'); DROP TABLE chronicle_events; --,+SUM(A1),2,2",
  ]
  const report = await importText(store.db, mapping, csv(...hostile))
  assert.equal(report.errorCount, 0, JSON.stringify(report.errors))
  assert.deepEqual(
    report.warnings.map((warning) => [warning.row, warning.column, warning.key]),
    [
      [1, 'subject', 'chronicle.import.warning.markup'],
      [1, 'comment', 'chronicle.import.warning.formula'],
      [2, 'comment', 'chronicle.import.warning.formula'],
    ],
  )
  const rows = await store.db
    .selectFrom('chronicle_events')
    .select(['subject', 'summary'])
    .orderBy('external_id')
    .execute()
  assert.equal(rows[0]?.subject, '<script>alert(1)</script>')
  assert.deepEqual(rows[0]?.summary, { ru: "=cmd|' /C calc'!A0" })
  assert.equal(rows[1]?.subject, "'); DROP TABLE chronicle_events; --")

  await store.db.deleteFrom('chronicle_events').execute()
  const control = await importText(
    store.db,
    mapping,
    csv(good[0] ?? '', '05.12.2011,согласовано,пикет,Вы\u0007боры,,3,2'),
  )
  assert.deepEqual(
    control.errors.map((error) => [error.row, error.column, error.field, error.key]),
    [
      [2, null, 'title.ru', 'validation.badCharacters'],
      [2, 'subject', 'subject', 'validation.badCharacters'],
    ],
  )
  assert.equal(control.written, false)
  assert.equal(await events(), 0)
})

test('an oversized row stops the reading there and nothing is committed', async () => {
  const huge = `06.12.2011,согласовано,пикет,Выборы,${'x'.repeat(1_100_000)},5,3`
  const report = await importText(
    store.db,
    mapping,
    csv(...good, huge, '07.12.2011,согласовано,пикет,Выборы,,5,4'),
  )
  assert.equal(report.stoppedAt, 3)
  assert.equal(report.errors[0]?.key, 'chronicle.import.error.rowTooLong')
  assert.equal(report.written, false)
  assert.equal(await events(), 0)
})

test('bad dates, numbers, column counts and duplicate ids are reported with row and column', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(
      ...good,
      '31.02.2012,согласовано,пикет,Выборы,,5,3',
      '01.03.2012,может быть,пикет,Выборы,,-5,4',
      '01.03.2012,согласовано,пикет,Выборы,,5',
      '01.03.2012,согласовано,пикет,Выборы,,5,2',
    ),
  )
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.column, error.key]),
    [
      [3, 'date', 'chronicle.import.error.date'],
      [4, 'total', 'chronicle.import.error.count'],
      [4, 'agreement', 'chronicle.import.error.unknownValue'],
      [5, null, 'chronicle.import.error.columnCount'],
      [6, 'id', 'chronicle.import.error.duplicateId'],
    ],
  )
  assert.equal(report.written, false)
  assert.equal(await events(), 0)
})

test('values mapping to no approved term: listed with counts in a dry run, refused in a real run', async () => {
  const rows = [
    ...good,
    '06.12.2011,согласовано,сидячая забастовка,Выборы,,5,3',
    '07.12.2011,согласовано,сидячая забастовка,Выборы,,1,4',
  ]
  const dry = await importText(store.db, mapping, csv(...rows), { dryRun: true })
  assert.deepEqual(dry.unknownTerms, [
    {
      field: 'type',
      vocabulary: 'event_type',
      value: 'сидячая забастовка',
      code: 'сидячая забастовка',
      count: 2,
    },
  ])
  assert.equal(dry.invalid, 2)
  assert.equal(await events(), 0)

  const real = await importText(store.db, mapping, csv(...rows))
  assert.equal(real.written, false)
  assert.equal(await events(), 0)
  // No term was created on the way.
  const created = await store.db
    .selectFrom('vocab_terms')
    .select('id')
    .where('code', '=', 'сидячая забастовка')
    .execute()
  assert.equal(created.length, 0)

  const blank = await importText(store.db, mapping, csv(...rows), { blankUnknown: true })
  assert.equal(blank.inserted, 4)
  const kept = await store.db
    .selectFrom('chronicle_events')
    .select(['type_id', 'import_raw'])
    .where('external_id', '=', '3')
    .executeTakeFirstOrThrow()
  assert.equal(kept.type_id, null)
  assert.equal((kept.import_raw as Record<string, string>).type, 'сидячая забастовка')
})

test('with partial, valid rows go in and the invalid are reported', async () => {
  const report = await importText(
    store.db,
    mapping,
    csv(...good, '31.02.2012,согласовано,пикет,Выборы,,5,3'),
    {
      partial: true,
    },
  )
  assert.equal(report.inserted, 2)
  assert.equal(report.invalid, 1)
  assert.equal(report.written, true)
  assert.equal(await events(), 2)
})

test('a re-import with a changed row updates it (new version, history), never duplicates', async () => {
  await importText(store.db, mapping, csv(...good))
  const report = await importText(
    store.db,
    mapping,
    csv(good[0] ?? '', '05.12.2011,согласовано,пикет,Выборы,тихо,4,2'),
    {
      batchSize: 1,
    },
  )
  assert.deepEqual([report.inserted, report.updated, report.unchanged], [0, 1, 1])
  const row = await store.db
    .selectFrom('chronicle_events')
    .select(['id', 'detained', 'version'])
    .where('external_id', '=', '2')
    .executeTakeFirstOrThrow()
  assert.deepEqual([row.detained, row.version], [4, 2])
  assert.equal(await events(), 2)
  const history = await store.db
    .selectFrom('chronicle_history')
    .select('version')
    .where('entity_id', '=', row.id)
    .execute()
  assert.deepEqual(
    history.map((entry) => entry.version),
    [1, 2],
  )
})

test('a mapping naming a column the file lacks is a file error; an empty file too', async () => {
  const missing = await importText(store.db, mapping, 'date,type\n01.01.2012,пикет\n')
  assert.deepEqual(missing.fileError, {
    key: 'chronicle.import.error.missingColumn',
    detail: 'id, subject, comment, total, agreement',
  })
  const empty = await importText(store.db, mapping, '')
  assert.equal(empty.fileError?.key, 'chronicle.import.error.empty')
  assert.equal(await events(), 0)
})

test('NDJSON rows import the same way; broken lines are reported by line', async () => {
  const ndjson = [
    JSON.stringify({
      date: '04.12.2011',
      agreement: 'согласовано',
      type: 'пикет',
      subject: 'A',
      comment: '',
      total: 2,
      id: 10,
    }),
    '{"date": "05.12.2011", broken',
    '[1, 2]',
    '',
    JSON.stringify({
      date: '06.12.2011',
      agreement: false,
      type: 'picket',
      subject: 'B',
      total: '3',
      id: '11',
    }),
  ].join('\n')
  const report = await importText(store.db, { ...mapping, format: 'ndjson' }, ndjson, { partial: true })
  assert.deepEqual(
    report.errors.map((error) => [error.row, error.key]),
    [
      [2, 'chronicle.import.error.json'],
      [3, 'chronicle.import.error.notObject'],
    ],
  )
  assert.equal(report.inserted, 2)
})

test('a date format without the day gives month precision', async () => {
  const monthly = parseMapping({
    ...mapping,
    fields: { ...mapping.fields, startDate: { column: 'date', format: 'mm.yyyy' } },
  })
  const report = await importText(store.db, monthly, csv('12.2011,согласовано,пикет,Выборы,,5,1'))
  assert.equal(report.inserted, 1)
  const row = await store.db
    .selectFrom('chronicle_events')
    .select(['start_date', 'start_precision'])
    .executeTakeFirstOrThrow()
  assert.deepEqual([row.start_date, row.start_precision], ['2011-12-01', 'month'])
})

test('a mapping that publishes must mark events verified', () => {
  assert.throws(() => parseMapping({ ...mapping, status: 'reported', publish: true }), /publishNeedsVerified/)
})
