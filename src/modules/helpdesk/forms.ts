/**
 * The public forms and what a report holds once sealed. Few fields are required: a writer at a police
 * station may have a minute, and anything they leave out the lawyer can ask for.
 */
import { z } from 'zod'
import { many, text } from '../../platform/validation.ts'
import type { ReportForm, Urgency } from './tables.ts'

/** What a detained person may need; a lawyer or medicine makes a report urgent. */
export const needs = ['lawyer', 'food', 'medicine', 'family'] as const
/** What a request for legal help is about. */
export const legalCategories = ['administrative', 'criminal', 'summons', 'search', 'fine', 'other'] as const

const optionalText = (max: number, multiline = false) =>
  z.preprocess((value) => value ?? '', text(max, { multiline }))

// An empty number field is no number; anything else must be a whole number in range.
const optionalCount = z.preprocess(
  (value) => (value === '' || value === undefined ? undefined : value),
  z.coerce.number('validation.expectedNumber').int('validation.expectedNumber').min(1).max(10_000).optional(),
)

const optionalDate = z.preprocess(
  (value) => (value === '' || value === undefined ? undefined : value),
  z.iso.date('validation.date').optional(),
)

const optionalTime = z.preprocess(
  (value) => (value === '' || value === undefined ? undefined : value),
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'helpdesk.form.badTime')
    .optional(),
)

const checkbox = z.preprocess((value) => value === 'yes', z.boolean())

// Both forms: where (a region code, checked against the vocabulary by the route), how to answer, consent.
const common = {
  region: optionalText(20),
  contact: optionalText(500),
  publishFacts: checkbox,
  publishNames: checkbox,
  // The honeypot: a field people never see. Bots fill it in.
  website: optionalText(500),
  token: z.string({ error: 'helpdesk.form.expired' }).regex(/^[A-Za-z0-9_-]{22}$/, 'helpdesk.form.expired'),
}

/** "Someone was detained". */
export const detainedSchema = z
  .object({
    ...common,
    who: optionalText(2000, true),
    people: optionalCount,
    place: optionalText(500),
    date: optionalDate,
    time: optionalTime,
    station: optionalText(300),
    needs: many(z.enum(needs, 'helpdesk.form.chooseFromList')),
    details: optionalText(5000, true),
  })
  // An empty report can't be acted on: someone, somewhere, or a way to answer is needed.
  .refine(
    (report) => [report.who, report.place, report.station, report.details, report.contact].some(Boolean),
    { path: ['who'], message: 'helpdesk.form.saySomething' },
  )

/** "I need legal help". */
export const legalSchema = z.object({
  ...common,
  category: z.enum(legalCategories, 'helpdesk.form.chooseCategory'),
  name: optionalText(300),
  deadline: optionalDate,
  details: text(5000, { min: 1, multiline: true }),
})

/** A writer's answer on the follow-up page. */
export const writerReplySchema = z.object({
  receipt: z.string().max(100),
  message: text(5000, { min: 1, multiline: true }),
  token: z.string({ error: 'helpdesk.form.expired' }).regex(/^[A-Za-z0-9_-]{22}$/, 'helpdesk.form.expired'),
})

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
 * How soon a report needs someone: a detention where a lawyer or medicine is needed is urgent, any
 * other detention is high; a search, or a deadline within three days, is high; the rest normal.
 */
export function urgencyOf(content: ReportContent, today: string): Urgency {
  if (content.form === 'detained')
    return content.needs.includes('lawyer') || content.needs.includes('medicine') ? 'urgent' : 'high'
  if (content.category === 'search') return 'high'
  if (content.deadline) {
    const days = (Date.parse(content.deadline) - Date.parse(today)) / 86_400_000
    if (days <= 3) return 'high'
  }
  return 'normal'
}

/** The two forms' names, as in their URLs. */
export const forms: readonly ReportForm[] = ['detained', 'legal']
