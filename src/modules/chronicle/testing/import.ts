/** What the import tests share: a store with the vocabulary terms they need and a way to import a string. */
import { Readable } from 'node:stream'
import { after, before, beforeEach } from 'node:test'
import { type TestStore, testStore } from '../../../../test/support/db.ts'
import type { Db } from '../../../platform/db/database.ts'
import type { Mapping } from '../commands/import/mapping.ts'
import { type ImportOptions, runImport } from '../commands/import/run.ts'

const terms: [string, string][] = [
  ...['protest', 'rally', 'march', 'picket', 'single_picket', 'detention', 'other'].map(
    (code): [string, string] => ['event_type', code],
  ),
  ['region', 'RU-MOW'],
  ['region', 'RU-SPE'],
]

/** Inserts the event types and regions the tests use, if the seed has not already. */
export async function ensureImportTerms(db: Db): Promise<void> {
  await db
    .insertInto('vocab_terms')
    .values(
      terms.map(([vocabulary, code]) => ({
        vocabulary: vocabulary as 'event_type' | 'region',
        code,
        labels: JSON.stringify({ ru: code, en: code, uk: code }),
      })),
    )
    .onConflict((oc) => oc.columns(['vocabulary', 'code']).doNothing())
    .execute()
}

/** Imports `content` (a string or bytes) with `mapping`. */
export function importText(
  db: Db,
  mapping: Mapping,
  content: string | Buffer,
  options: Omit<ImportOptions, 'mapping' | 'streamFile'> = {},
) {
  return runImport(db, { mapping, streamFile: () => Readable.from([Buffer.from(content)]), ...options })
}

/**
 * A test store for the file's tests, with the import's terms, and no events or cases at the start of
 * each test. Call at the top of a test file: it registers the file's before, after and beforeEach.
 */
export function importTestStore(): { readonly db: Db } {
  let store: TestStore | undefined
  const opened = () => {
    if (!store) throw new Error('the import test store is opened by the before hook')
    return store
  }
  before(async () => {
    store = await testStore()
    await ensureImportTerms(store.db)
  })
  after(async () => store?.close())
  beforeEach(async () => {
    await opened().db.deleteFrom('chronicle_events').execute()
    await opened().db.deleteFrom('chronicle_cases').execute()
  })
  return {
    get db() {
      return opened().db
    },
  }
}
