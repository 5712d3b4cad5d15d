import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { type TestStore, testStore } from '../../../test/support/db.ts'
import { createStaff, type TestStaff } from '../../../test/support/factories.ts'
import type { AppError } from '../errors.ts'
import { decideTerm, proposeTerm } from './commands.ts'
import { findTerm, listProposed, listTerms, termIndex } from './queries.ts'
import { sortByLabel } from './terms.ts'

let store: TestStore
let editor: TestStaff
let coordinator: TestStaff
before(async () => {
  store = await testStore()
  editor = await createStaff(store.db, { roles: ['editor'], totp: false })
  coordinator = await createStaff(store.db, { roles: ['coordinator'] })
})
after(async () => store.close())

const proposal = (code: string) => ({
  vocabulary: 'event_type' as const,
  code,
  label_ru: 'Велопробег',
  label_en: 'Bicycle ride',
  label_uk: 'Велопробіг',
})

const auditActions = async (target: number) =>
  (
    await store.db
      .selectFrom('audit_log')
      .select('action')
      .where('target', '=', String(target))
      .orderBy('id')
      .execute()
  ).map((row) => row.action)

test('approved terms list by their label in the language asked for', async () => {
  const uk = await listTerms(store.db, 'region', 'uk')
  const labels = uk.map((term) => term.labels.uk!)
  // 83 Russian federal subjects, 6 occupied territories of Ukraine and 2 of Georgia.
  assert.equal(labels.length, 91)
  // Ukrainian order puts І and Є after И and Е, which code-point order would not.
  assert.ok(labels.indexOf('Іркутська область') > labels.indexOf('Запорізька область'))
  assert.ok(labels.indexOf('Єврейська автономна область') > labels.indexOf('Донецька область'))
  assert.ok(labels.indexOf('Єврейська автономна область') < labels.indexOf('Забайкальський край'))
  const ru = (await listTerms(store.db, 'event_type', 'ru')).map((term) => term.labels.ru)
  assert.deepEqual(
    ru,
    [...ru].sort((a, b) => a!.localeCompare(b!, 'ru')),
  )
  assert.deepEqual(
    sortByLabel(
      [
        { code: 'b', labels: { en: 'b' } },
        { code: 'a', labels: { en: 'A' } },
      ],
      'en',
    ).map((t) => t.code),
    ['a', 'b'],
  )
})

test('a proposed term is not usable until a reviewer approves it', async () => {
  const term = await proposeTerm(store.db, proposal('bicycle_ride'), coordinator.id)
  assert.equal(term.status, 'proposed')
  assert.equal((await termIndex(store.db)).id('event_type', 'bicycle_ride'), undefined)
  assert.ok(!(await listTerms(store.db, 'event_type', 'en')).some((t) => t.code === 'bicycle_ride'))
  assert.ok((await listProposed(store.db)).some((t) => t.id === term.id && t.proposerName))

  // One the owning module does not let decide (the chronicle: a coordinator) gets the same answer as
  // for a term that isn't there.
  await assert.rejects(
    decideTerm(store.db, term.id, 'approve', { id: coordinator.id, mayApprove: false }),
    (error: AppError) => error.code === 'ERR_NOT_FOUND',
  )
  const approved = await decideTerm(store.db, term.id, 'approve', { id: editor.id, mayApprove: true })
  assert.equal(approved.status, 'approved')
  const index = await termIndex(store.db)
  assert.equal(index.id('event_type', 'bicycle_ride'), term.id)
  assert.equal(index.byId.get(term.id)?.code, 'bicycle_ride')
  assert.deepEqual(await auditActions(term.id), ['vocabulary.term_proposed', 'vocabulary.term_approved'])

  await assert.rejects(
    decideTerm(store.db, term.id, 'reject', { id: editor.id, mayApprove: true }),
    (error: AppError) => error.code === 'ERR_TERM_DECIDED',
  )
  await assert.rejects(
    proposeTerm(store.db, proposal('bicycle_ride'), coordinator.id),
    (error: AppError) => error.code === 'ERR_TERM_EXISTS',
  )
})

test('a rejected term stays out of use and may be proposed again', async () => {
  const term = await proposeTerm(store.db, proposal('flash_mob'), coordinator.id)
  const rejected = await decideTerm(store.db, term.id, 'reject', { id: editor.id, mayApprove: true })
  assert.equal(rejected.status, 'rejected')
  assert.equal((await termIndex(store.db, { fresh: true })).id('event_type', 'flash_mob'), undefined)
  assert.ok(!(await listProposed(store.db)).some((t) => t.id === term.id))
  assert.deepEqual(await auditActions(term.id), ['vocabulary.term_proposed', 'vocabulary.term_rejected'])

  const again = await proposeTerm(store.db, { ...proposal('flash_mob'), label_en: 'Flash mob' }, editor.id)
  assert.equal(again.id, term.id)
  assert.equal(again.status, 'proposed')
  assert.equal(again.labels.en, 'Flash mob')
})

test('the term index maps codes to ids and back for every vocabulary, and is kept while nothing changes', async () => {
  const index = await termIndex(store.db)
  const tula = index.id('region', 'RU-TUL')
  assert.ok(tula)
  assert.equal(index.byId.get(tula)?.labels.ru, 'Тульская область')
  assert.equal(index.byCode.article.get('koap-20.3.3')?.extra.number, '20.3.3')
  assert.equal(index.id('region', 'RU-NOPE'), undefined)
  assert.equal(await termIndex(store.db), index, 'a second call is served from the cache')

  // A change made behind this process's back (another app node, a seed) is seen at the next call.
  await store.db
    .insertInto('vocab_terms')
    .values({ vocabulary: 'act_type', code: 'deportation', labels: JSON.stringify({ en: 'Deportation' }) })
    .execute()
  assert.ok((await termIndex(store.db)).id('act_type', 'deportation'))
  // So is a proposal turned down and proposed again with other labels elsewhere.
  const proposed = await proposeTerm(store.db, proposal('sit_in'), coordinator.id)
  const before = await termIndex(store.db)
  await store.db
    .updateTable('vocab_terms')
    .set({ labels: JSON.stringify({ en: 'Sit-in' }) })
    .where('id', '=', proposed.id)
    .execute()
  const after = await termIndex(store.db)
  assert.notEqual(after, before)
  assert.equal(after.byId.get(proposed.id)?.labels.en, 'Sit-in')
  assert.equal(after.id('event_type', 'sit_in'), undefined, 'a proposed term has no approved code')
  // And a term deleted by hand.
  await store.db.deleteFrom('vocab_terms').where('code', '=', 'deportation').execute()
  assert.equal((await termIndex(store.db)).id('act_type', 'deportation'), undefined)
})

test('proposing derives a region ISO code and an article number from the code', async () => {
  const region = await proposeTerm(
    store.db,
    { ...proposal('UA-30'), vocabulary: 'region', label_ru: 'Киев', label_en: 'Kyiv', label_uk: 'Київ' },
    editor.id,
  )
  assert.deepEqual(region.extra, { iso: 'UA-30' })
  const article = await proposeTerm(store.db, { ...proposal('uk-207.3.2'), vocabulary: 'article' }, editor.id)
  assert.deepEqual(article.extra, { code: 'УК', number: '207.3.2' })
  assert.equal((await findTerm(store.db, 'article', 'uk-207.3.2'))?.status, 'proposed')
})
