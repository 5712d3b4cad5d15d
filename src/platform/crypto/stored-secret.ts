/**
 * Server secrets kept in the database's settings, so every app node uses the same one: made at random
 * the first time one is asked for, never changed, and read once per process.
 */
import type { Db } from '../db/database.ts'
import { randomBytes } from './primitives.ts'

const read = new WeakMap<Db, Map<string, Promise<string>>>()

/** The secret named `name` (32 random bytes, base64), made on first use. */
export function storedSecret(db: Db, name: string): Promise<string> {
  let secrets = read.get(db)
  if (!secrets) {
    secrets = new Map()
    read.set(db, secrets)
  }
  let secret = secrets.get(name)
  if (!secret) {
    secret = (async () => {
      await db
        .insertInto('settings')
        .values({ key: name, value: randomBytes(32).toString('base64') })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute()
      const row = await db
        .selectFrom('settings')
        .select('value')
        .where('key', '=', name)
        .executeTakeFirstOrThrow()
      return row.value
    })()
    // A failed read is not kept: the next caller tries again.
    secret.catch(() => secrets.delete(name))
    secrets.set(name, secret)
  }
  return secret
}
