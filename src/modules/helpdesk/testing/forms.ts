/** What the help desk's tests share about its forms: reading a form's token and a receipt off pages, sending a form, a solved proof of work, ids a page repeats, how many reports are stored. */
import assert from 'node:assert/strict'
import { solveChallenge } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2'
import type { Agent } from '../../../../test/support/agent.ts'
import type { Db } from '../../../platform/db/database.ts'
import { newChallenge } from '../../../platform/intake/proof-of-work.ts'
import { helpdeskProofSecrets } from '../commands/spend-proof.ts'

/** The hidden one-time token of a form page. */
export function formToken(page: string): string {
  const match = /name="token" value="([A-Za-z0-9_-]{22})"/.exec(page)
  assert.ok(match, 'the page has a form token')
  return match[1]!
}

/** The receipt a receipt page shows. */
export function shownReceipt(page: string): string {
  const match = /<p class="receipt"><strong[^>]*>([0-9A-Z-]{24})<\/strong>/.exec(page)
  assert.ok(match, 'the page shows a receipt')
  return match[1]!
}

/** Opens the "someone was detained" form and sends it with `answers`, as a writer would. */
export async function sendDetained(writer: Agent, answers: Record<string, string | string[]>) {
  const form = await writer.get('/help/detained')
  assert.equal(form.statusCode, 200)
  return writer.post('/help/detained', { token: formToken(form.body), ...answers })
}

/** Little work, so a test solves a challenge in milliseconds (the server checks the signature, not the cost). */
export const testWork = { cost: 10, counter: { min: 50, max: 100 }, lifetimeMs: 60_000 }

/** A solved proof of work as the widget posts it (base64 JSON of the challenge and its solution). */
export async function solvedProof(db: Db, work = testWork): Promise<string> {
  const challenge = await newChallenge(helpdeskProofSecrets(db), work)
  const solution = await solveChallenge({ challenge, deriveKey })
  assert.ok(solution, 'the challenge was solved')
  return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64')
}

/** How many reports are stored (a refused form must leave it unchanged). */
export async function reportCount(db: Db): Promise<number> {
  const row = await db
    .selectFrom('helpdesk_reports')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The element ids a page gives more than one element (a label then points at the wrong one). */
export function repeatedIds(page: string): string[] {
  const seen = new Map<string, number>()
  for (const match of page.matchAll(/<[a-zA-Z][^>]*?\sid="([^"]*)"/g))
    seen.set(match[1]!, (seen.get(match[1]!) ?? 0) + 1)
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id)
}
