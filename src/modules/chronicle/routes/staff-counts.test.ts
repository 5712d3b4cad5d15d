import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Agent } from '../../../../test/support/agent.ts'
import { type TestApp, testApp } from '../../../../test/support/app.ts'
import { createStaff, signIn } from '../../../../test/support/factories.ts'
import { loadEvent, recordValues } from '../queries/event-record.ts'
import { ensureTerms, eventFormFields } from '../testing/events.ts'

let t: TestApp
let editor: Agent
before(async () => {
  t = await testApp()
  await ensureTerms(t.store.db)
  editor = await signIn(t.app, await createStaff(t.store.db, { roles: ['editor'] }))
})
after(() => t.close())

const newEvent = (overrides: Record<string, string>) =>
  eventFormFields({
    title_ru: 'Акция на Исаакиевской площади',
    start_date: '2022-02-27',
    region: 'RU-SPE',
    participants: '1000',
    participants_qualifier: 'at_least',
    detained: '200',
    detained_qualifier: 'about',
    authorised: 'no',
    source_url: 'https://example.org/isaakievskaya',
    source_reliability: 'high',
    ...overrides,
  })

async function create(overrides: Record<string, string> = {}) {
  await editor.get('/staff/chronicle/events/new')
  const response = await editor.post('/staff/chronicle/events', newEvent(overrides))
  assert.equal(response.statusCode, 303, response.body)
  return Number(/events\/(\d+)/.exec(String(response.headers.location))![1])
}

// The edit form as the page fills it, with changes.
async function edit(id: number, changes: Record<string, string>, leaveOut: string[] = []) {
  const event = (await loadEvent(t.store.db, id))!
  const form: Record<string, string> = {
    ...recordValues(event.record),
    version: String(event.version),
    ...changes,
  }
  // An unticked checkbox is not sent.
  for (const name of [...leaveOut, ...(form.sensitive ? [] : ['sensitive'])]) delete form[name]
  return editor.post(`/staff/chronicle/events/${id}?_method=PUT`, form)
}

describe('the staff form’s count qualifiers', () => {
  it('are chosen beside each count, saved with the event and shown again', async () => {
    const id = await create()
    const record = (await loadEvent(t.store.db, id))!.record
    assert.equal(record.participants_qualifier, 'at_least')
    assert.equal(record.detained_qualifier, 'about')
    const page = await editor.get(`/staff/chronicle/events/${id}`)
    assert.match(
      page.body,
      /<label for="field-participants_qualifier">How the number of participants is known<\/label>/,
    )
    assert.match(
      page.body,
      /name="participants_qualifier"[^>]*>.*<option value="at_least" selected>at least<\/option>/s,
    )
    assert.match(
      page.body,
      /name="detained_qualifier"[^>]*>.*<option value="about" selected>about<\/option>/s,
    )
  })

  it('change in the history, and stay when a form leaves them out', async () => {
    const id = await create()
    assert.equal((await edit(id, { detained_qualifier: 'exact' })).statusCode, 303)
    const history = await editor.get(`/staff/chronicle/events/${id}/history`)
    assert.match(history.body, /How the number of detained is known<\/strong>: about → exactly/)
    // A client that doesn't know the qualifiers changes another field: they are kept, no change recorded.
    assert.equal(
      (await edit(id, { locality: 'Санкт-Петербург' }, ['participants_qualifier', 'detained_qualifier']))
        .statusCode,
      303,
    )
    const record = (await loadEvent(t.store.db, id))!.record
    assert.equal(record.participants_qualifier, 'at_least')
    assert.equal(record.detained_qualifier, 'exact')
    // A count left empty has no qualifier to keep.
    assert.equal((await edit(id, { participants: '' }, ['participants_qualifier'])).statusCode, 303)
    assert.equal((await loadEvent(t.store.db, id))!.record.participants_qualifier, 'exact')
  })

  it('refuse a value that is not one of the three, changing nothing', async () => {
    const id = await create()
    const before = (await loadEvent(t.store.db, id))!.version
    const response = await edit(id, { detained_qualifier: 'roughly' })
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /id="field-detained_qualifier-error"/)
    assert.equal((await loadEvent(t.store.db, id))!.version, before)
  })
})
