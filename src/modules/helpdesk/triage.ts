/**
 * What a report holds once sealed, what is kept of it in clear for triage (its category, how urgent it
 * is, and the flags about a detained person that make it so), and what its writer's consent to
 * publish allows.
 */
import type { z } from 'zod'
import { type detainedSchema, type legalSchema, type PersonFlag, personFlags } from './schema.ts'
import type { Urgency } from './tables.ts'

/**
 * What a report holds, sealed: the form's answers without the honeypot and token, the writer's
 * language, and how many photos came with it (each sealed on its own).
 */
export type ReportContent =
  | ({ form: 'detained'; locale: string; photos?: number } & Omit<
      z.infer<typeof detainedSchema>,
      'website' | 'token'
    >)
  | ({ form: 'legal'; locale: string; photos?: number } & Omit<
      z.infer<typeof legalSchema>,
      'website' | 'token'
    >)

/** The category a report is triaged under. */
export function categoryOf(content: ReportContent): string {
  return content.form === 'detained' ? 'detention' : content.category
}

/**
 * The flags about a detained person kept in clear: only those of the fixed list, each once, in the
 * list's order (the column's check allows no other). A report of a stored shape without flags has none.
 */
export function flagsOf(content: ReportContent): PersonFlag[] {
  if (content.form !== 'detained') return []
  const given = new Set<string>(content.flags ?? [])
  return personFlags.filter((flag) => given.has(flag))
}

/**
 * How soon a report needs someone: a detention where a lawyer or medicine is needed, or of a minor, a
 * foreign citizen or someone in poor health, is urgent, any other detention is high; a search, or a
 * deadline (a hearing, a summons of either kind) within three days, is high; the rest normal.
 */
export function urgencyOf(content: ReportContent, today: string): Urgency {
  if (content.form === 'detained')
    return content.needs.includes('lawyer') ||
      content.needs.includes('medicine') ||
      flagsOf(content).length > 0
      ? 'urgent'
      : 'high'
  if (content.category === 'search') return 'high'
  if (content.deadline) {
    const days = (Date.parse(content.deadline) - Date.parse(today)) / 86_400_000
    if (days <= 3) return 'high'
  }
  return 'normal'
}

/** What a report may carry into the chronicle beyond facts that identify no one. */
export type Consent = {
  /** What happened: the place and the story (else the event is blurred to the month). */
  facts: boolean
  /** The names the writer gave. */
  names: boolean
}

/** No consent: only the kind of event, the region, the month and how many were detained. */
export const noConsent: Consent = { facts: false, names: false }

/**
 * What the writer's consent allows. A box counts only when the consent is theirs to give: the report
 * is about them, or the person it is about agreed. A relative can't consent for someone detained, so
 * "don't know" (or no answer, as in reports sent before the question was asked) counts as none; so
 * does consent the writer has withdrawn.
 */
export function consentOf(content: ReportContent | null | undefined, withdrawn: boolean): Consent {
  if (!content || withdrawn) return noConsent
  if (content.consentBy !== 'self' && content.consentBy !== 'agreed') return noConsent
  return { facts: content.publishFacts, names: content.publishNames }
}

/** Whether the writer ticked a box to publish (valid or not): what withdrawing would take back. */
export function askedToPublish(content: ReportContent | null | undefined): boolean {
  return Boolean(content?.publishFacts || content?.publishNames)
}
