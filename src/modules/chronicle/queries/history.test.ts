import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseForm } from '../../../platform/validation.ts'
import { createEventForm } from '../schema/events.ts'
import { diffRecords, type EventRecord } from './event-record.ts'
import { changesSince, compareVersions, type HistoryEntry, recordAt } from './history.ts'

const record = (overrides: Partial<EventRecord> = {}): EventRecord => ({
  country: null,
  title_ru: 'Пикет',
  title_en: null,
  title_uk: null,
  summary_ru: null,
  summary_en: null,
  summary_uk: null,
  type: 'picket',
  start_date: '2022-03-06',
  start_precision: 'day',
  end_date: null,
  end_precision: 'unknown',
  region: 'RU-MOW',
  locality: 'Москва',
  latitude: null,
  longitude: null,
  coord_precision: null,
  participants: null,
  detained: 3,
  participants_qualifier: 'exact',
  detained_qualifier: 'exact',
  authorised: 'no',
  subject: null,
  organisers: null,
  sensitive: false,
  status: 'reported',
  published: false,
  sources: [],
  ...overrides,
})

const entry = (version: number, by: string, changes: HistoryEntry['changes']): HistoryEntry => ({
  version,
  changedAt: new Date(),
  changedBy: by,
  changedByName: by,
  changes,
})

describe('history', () => {
  // Version 1 had no creation entry (an import); 2 and 3 changed detained, 3 also the locality.
  const current = record({ detained: 9, locality: 'Тула' })
  const history = [
    entry(3, 'Anna', { detained: { from: 5, to: 9 }, locality: { from: 'Москва', to: 'Тула' } }),
    entry(2, 'Boris', { detained: { from: 3, to: 5 } }),
  ]

  it('rebuilds a past version by undoing later changes, even without a creation entry', () => {
    assert.equal(recordAt(current, history, 1).detained, 3)
    assert.equal(recordAt(current, history, 2).detained, 5)
    assert.equal(recordAt(current, history, 2).locality, 'Москва')
    assert.deepEqual(recordAt(current, history, 3), current)
  })

  it('compares two versions field by field', () => {
    assert.deepEqual(compareVersions(current, history, 1, 3), {
      locality: { from: 'Москва', to: 'Тула' },
      detained: { from: 3, to: 9 },
    })
    assert.deepEqual(compareVersions(current, history, 2, 2), {})
  })

  it('folds what changed since a version into one change per field, with who changed it', () => {
    assert.deepEqual(changesSince(history, 1), [
      { field: 'locality', from: 'Москва', to: 'Тула', by: ['Anna'] },
      { field: 'detained', from: 3, to: 9, by: ['Boris', 'Anna'] },
    ])
    assert.deepEqual(changesSince(history, 3), [])
  })

  it('leaves out a field changed and changed back', () => {
    const back = [
      entry(3, 'A', { detained: { from: 5, to: 3 } }),
      entry(2, 'B', { detained: { from: 3, to: 5 } }),
    ]
    assert.deepEqual(changesSince(back, 1), [])
  })

  it('diffs only the fields that differ', () => {
    assert.deepEqual(diffRecords(record(), record({ sensitive: true })), {
      sensitive: { from: false, to: true },
    })
  })
})

describe('the new-event form', () => {
  const form = {
    title_ru: ' Пикет ',
    title_en: '',
    title_uk: '',
    summary_ru: 'строка\r\nвторая',
    summary_en: '',
    summary_uk: '',
    type: 'picket',
    start_date: '2022-03-17',
    start_precision: 'month',
    end_date: '2023-07-09',
    end_precision: 'year',
    region: '',
    locality: '',
    latitude: '55,7558',
    longitude: '37.6173',
    coord_precision: 'locality',
    participants: '1 200',
    detained: '',
    authorised: 'unknown',
    subject: '',
    organisers: '',
    source_url: '',
    source_description: 'Звонок на горячую линию',
    source_publisher: '',
    source_published_on: '',
    source_reliability: 'unknown',
  }

  it('stores a month as its first day and a year as 1 January, and reads typed numbers', () => {
    const parsed = parseForm(createEventForm, form)
    assert.ok(parsed.ok)
    const { event } = parsed.data
    assert.equal(event.title_ru, 'Пикет')
    assert.equal(event.summary_ru, 'строка\nвторая')
    assert.equal(event.start_date, '2022-03-01')
    assert.equal(event.end_date, '2023-01-01')
    assert.equal(event.latitude, 55.7558)
    assert.equal(event.participants, 1200)
    assert.equal(event.detained, null)
    assert.equal(event.region, null)
    assert.equal(event.sensitive, false)
  })

  it('compares dates as stored: a year-precision end before a day-precision start is refused', () => {
    const parsed = parseForm(createEventForm, {
      ...form,
      start_precision: 'day',
      end_date: '2022-12-31',
    })
    assert.deepEqual(parsed, { ok: false, errors: { end_date: 'chronicle.staff.errors.endBeforeStart' } })
  })
})
