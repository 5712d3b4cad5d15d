import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import { saveText, seedText, TEXT_SAVED } from './save-text.ts'
import { findText, type TextRecord, textChangesSince, textHistory, textRecord, textToShow } from './texts.ts'

let store: TestStore
let anna: TestStaff & { name: string }
let boris: TestStaff & { name: string }
before(async () => {
  store = await testStore()
  const named = async (role: string) => {
    const staff = await createStaff(store.db, { roles: [role] })
    const user = await store.db
      .selectFrom('users')
      .select('display_name')
      .where('id', '=', staff.id)
      .executeTakeFirstOrThrow()
    return { ...staff, name: user.display_name }
  }
  anna = await named('coordinator')
  boris = await named('admin')
})
after(() => store.close())

const blank: TextRecord = textRecord({ titles: {}, bodies: {} })
const record = (fields: Partial<TextRecord>): TextRecord => ({ ...blank, ...fields })
let n = 0
async function newText(fields: Partial<TextRecord> = { title_en: 'Rights', body_en: 'Say nothing.' }) {
  n += 1
  const key = `test.text${n}`
  assert.equal(await seedText(store.db, key, record(fields)), true)
  return key
}

describe('editable texts', () => {
  it('seeds version 1 with a history entry, and never over an existing text', async () => {
    const key = await newText({ title_ru: 'Права', body_ru: 'Ст. 51' })
    const text = (await findText(store.db, key))!
    assert.equal(text.version, 1)
    assert.deepEqual(text.titles, { ru: 'Права' })
    const history = await textHistory(store.db, key)
    assert.deepEqual(
      history.map((entry) => [entry.version, entry.changedBy, Object.keys(entry.changes).sort()]),
      [[1, null, ['body_ru', 'title_ru']]],
    )
    assert.equal(await seedText(store.db, key, record({ body_ru: 'другое' })), false)
    assert.equal((await findText(store.db, key))!.bodies.ru, 'Ст. 51')
  })

  it('saves a new version with who and when, a history entry of what changed, and an audit entry', async () => {
    const key = await newText()
    const saved = await saveText(store.db, {
      key,
      baseVersion: 1,
      record: record({ title_en: 'Rights', body_en: 'Say nothing. Ask for a lawyer.', title_uk: 'Права' }),
      actorId: anna.id,
    })
    assert.deepEqual(saved, { outcome: 'saved', version: 2, changed: true })
    const text = (await findText(store.db, key))!
    assert.equal(text.version, 2)
    assert.equal(text.updatedBy, anna.id)
    assert.equal(text.updatedByName, anna.name)
    assert.deepEqual(text.titles, { en: 'Rights', uk: 'Права' })
    const [newest] = await textHistory(store.db, key)
    assert.equal(newest!.version, 2)
    assert.equal(newest!.changedByName, anna.name)
    assert.deepEqual(newest!.changes, {
      title_uk: { from: '', to: 'Права' },
      body_en: { from: 'Say nothing.', to: 'Say nothing. Ask for a lawyer.' },
    })
    const audited = await store.db
      .selectFrom('audit_log')
      .select(['actor_id', 'detail'])
      .where('action', '=', TEXT_SAVED)
      .where('target', '=', key)
      .execute()
    assert.deepEqual(audited, [
      { actor_id: anna.id, detail: { version: 2, fields: ['title_uk', 'body_en'] } },
    ])
  })

  it('makes no version when nothing changed', async () => {
    const key = await newText()
    const same = await saveText(store.db, {
      key,
      baseVersion: 1,
      record: textRecord((await findText(store.db, key))!),
      actorId: anna.id,
    })
    assert.deepEqual(same, { outcome: 'saved', version: 1, changed: false })
    assert.equal((await textHistory(store.db, key)).length, 1)
  })

  it('refuses a save over a newer version, changing nothing, and says what changed since', async () => {
    const key = await newText()
    await saveText(store.db, {
      key,
      baseVersion: 1,
      record: record({ title_en: 'Rights', body_en: 'Boris wrote this.' }),
      actorId: boris.id,
    })
    const late = await saveText(store.db, {
      key,
      baseVersion: 1,
      record: record({ title_en: 'Rights', body_en: 'Anna wrote this.' }),
      actorId: anna.id,
    })
    assert.equal(late.outcome, 'conflict')
    assert.ok(late.outcome === 'conflict')
    assert.equal(late.current.version, 2)
    assert.equal(late.current.bodies.en, 'Boris wrote this.')
    const since = textChangesSince(await textHistory(store.db, key), 1)
    assert.deepEqual(since, [
      { field: 'body_en', from: 'Say nothing.', to: 'Boris wrote this.', by: [boris.name] },
    ])
    assert.equal((await textHistory(store.db, key)).length, 2)
  })

  it('lets one of two saves over the same version through, and refuses the other', async () => {
    const key = await newText()
    const outcomes = await Promise.all(
      ['first', 'second'].map((words, i) =>
        saveText(store.db, {
          key,
          baseVersion: 1,
          record: record({ body_en: words }),
          actorId: [anna, boris][i]!.id,
        }),
      ),
    )
    assert.deepEqual(outcomes.map((outcome) => outcome.outcome).sort(), ['conflict', 'saved'])
    assert.equal((await textHistory(store.db, key)).length, 2)
  })

  it('answers not-found for a key that is not there', async () => {
    assert.deepEqual(
      await saveText(store.db, { key: 'test.missing', baseVersion: 1, record: blank, actorId: anna.id }),
      { outcome: 'not-found' },
    )
  })

  it("shows a cleared text as nothing, and a text missing in the reader's language in another", () => {
    assert.equal(textToShow({ titles: { en: 'Contacts' }, bodies: {} }, 'en'), null)
    assert.equal(textToShow({ titles: { en: 'Contacts' }, bodies: { en: '   ' } }, 'en'), null)
    assert.equal(textToShow(undefined, 'en'), null)
    assert.deepEqual(textToShow({ titles: { ru: 'Контакты' }, bodies: { ru: 'Пишите' } }, 'en'), {
      title: 'Контакты',
      body: 'Пишите',
      lang: 'ru',
    })
  })
})
