/**
 * One schema per form and query of the help desk. The public forms first: few of their fields are
 * required, as a writer at a police station may have a minute, and anything they leave out the lawyer
 * can ask for. Then the desk's, the set-up's and the templates' (reply templates' filled-in check).
 */
import { z } from 'zod'
import { locales } from '../../platform/i18n.ts'
import { formTokenField } from '../../platform/intake/form-tokens.ts'
import { many, text } from '../../platform/validation.ts'
import type { ReportForm } from './tables.ts'

/** What a detained person may need; a lawyer or medicine makes a report urgent. */
export const needs = ['lawyer', 'food', 'medicine', 'family'] as const
/**
 * What is true of a detained person that changes what the lawyer must do at once: a minor's parents
 * must be told, a foreign citizen needs an interpreter and the consulate, ill health a doctor. Each
 * makes the report urgent and is kept in clear for the queue (triage.ts).
 */
export const personFlags = ['minor', 'foreigner', 'health'] as const
/** One of personFlags. */
export type PersonFlag = (typeof personFlags)[number]
/**
 * What a request for legal help is about. A police, Investigative Committee or FSB summons
 * (`summons`) and a military one (`military_summons`) are answered by different lawyers, under
 * different rules.
 */
export const legalCategories = [
  'administrative',
  'criminal',
  'summons',
  'military_summons',
  'search',
  'fine',
  'other',
] as const

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

/**
 * Who gives the consent to publish: the writer about themselves, the person it is about (who agreed),
 * or nobody known (a relative who hasn't asked). Only the first two make the boxes count (triage.ts).
 */
export const consentGivers = ['self', 'agreed', 'unknown'] as const
/** Who gives the consent to publish (one of consentGivers). */
export type ConsentGiver = (typeof consentGivers)[number]

// Not answering is allowed: a writer in a hurry is never held up by it, and no answer counts as
// "don't know".
const consentBy = z.preprocess(
  (value) => (value === '' ? undefined : value),
  z.enum(consentGivers, 'helpdesk.form.chooseFromList').optional(),
)

// Both forms: where (a region code, checked against the vocabulary by the route), how to answer, consent.
const common = {
  region: optionalText(20),
  contact: optionalText(500),
  publishFacts: checkbox,
  publishNames: checkbox,
  consentBy,
  // The honeypot: a field people never see. Bots fill it in.
  website: optionalText(500),
  token: formTokenField('helpdesk.form.expired'),
}

/** "Someone was detained". */
export const detainedSchema = z
  .object({
    ...common,
    // What a lawyer gives at the station's door to be let in: the name in full and the date of
    // birth, as free text since people often know only the year ("1995", "12.03.1995").
    fullName: optionalText(300),
    birthDate: optionalText(40),
    // In the list's order, whatever order they came in: the desk reads them the same way every time.
    flags: many(z.enum(personFlags, 'helpdesk.form.chooseFromList')).transform((given) =>
      personFlags.filter((flag) => given.includes(flag)),
    ),
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
    (report) =>
      [
        report.fullName,
        report.birthDate,
        report.who,
        report.place,
        report.station,
        report.details,
        report.contact,
      ].some(Boolean),
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
  token: formTokenField('helpdesk.form.expired'),
})

/**
 * Withdrawing consent on the follow-up page: the receipt, the form's one-time token, and `confirm`
 * once the writer has seen what it does (without it the route shows the confirmation step).
 */
export const withdrawConsentSchema = z.object({
  receipt: z.string().max(100),
  token: formTokenField('helpdesk.form.expired'),
  confirm: z.literal('yes', 'validation.invalid'),
})

/** The two forms' names, as in their URLs. */
export const forms: readonly ReportForm[] = ['detained', 'legal']

// The desk (routes/desk.ts).

/** A reply to the writer, or a note for the desk. */
export const messageSchema = z.object({
  text: text(10_000, { min: 1, multiline: true }),
  author: z.enum(['desk', 'note'], 'validation.invalid'),
})
/** A report's new status; closing also names the outcome. */
export const statusSchema = z.object({
  status: z.enum(['new', 'in_progress', 'waiting', 'closed'], 'validation.invalid'),
  outcome: z.preprocess(
    (value) => (value === '' ? undefined : value),
    z.enum(['helped', 'not_helped', 'duplicate', 'no_contact'], 'validation.invalid').optional(),
  ),
})
/** Whom a report goes to ('' for nobody). */
export const assignSchema = z.object({ assignee: z.union([z.literal(''), z.uuid('validation.invalid')]) })
/** How much longer a coordinator may keep a closed report at a time. */
export const KEEP_DAYS = [30, 90, 180, 365] as const
/** How much longer a closed report is kept: one of KEEP_DAYS. */
export const keepSchema = z.object({
  days: z.coerce.number().refine((days) => (KEEP_DAYS as readonly number[]).includes(days)),
})
/** A report in the path (a malformed id is a report that doesn't exist). */
export const reportParams = z.object({ id: z.string() })
/** A report's photo in the path. */
export const fileParams = z.object({ id: z.string(), fileId: z.string() })
/** What a report's page was sent back after. */
export const reportDoneQuery = z
  .object({ done: z.enum(['sent', 'noted', 'status', 'assigned', 'claimed', 'converted']).optional() })
  .catch({})
/** The reply template to fill in on a report's page. */
export const templateQuery = z.object({ template: z.string().max(40).optional() }).catch({})
/** What the surge view was sent back after. */
export const surgeQuery = z.object({ done: z.enum(['joined', 'notJoined']).optional() }).catch({})
/** What the retention list was sent back after. */
export const keptQuery = z.object({ done: z.enum(['kept']).optional() }).catch({})

// Setting desks up (routes/manage.ts, routes/rotation.ts).

const regionIds = many(z.coerce.number('validation.invalid').int().positive().max(2_147_483_647)).pipe(
  z.array(z.number()).max(200),
)
/** A desk's settings. */
export const settingsSchema = z.object({
  takesRest: z.preprocess((value) => value === 'yes', z.boolean()),
  retentionDays: z.coerce
    .number('helpdesk.manage.badRetention')
    .int('helpdesk.manage.badRetention')
    .min(1, 'helpdesk.manage.badRetention')
    .max(3650, 'helpdesk.manage.badRetention'),
  regions: regionIds,
})
/** A new desk: its name, slug and settings. */
export const openDeskSchema = settingsSchema.extend({
  name: text(100, { min: 1 }),
  slug: text(40, { min: 1 }).pipe(z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, 'helpdesk.manage.badSlug')),
})
/** A member added to a desk, with the regions and specialties they take. */
export const memberSchema = z.object({
  user: z.uuid('helpdesk.manage.chooseMember'),
  specialties: text(300),
  regions: regionIds,
})
/** What a desk's page was sent back after. */
export const deskQuery = z
  .object({
    done: z.enum(['opened', 'saved', 'added', 'removed', 'regranted']).optional(),
    count: z.coerce.number().int().min(0).optional(),
  })
  .catch({})
/** A desk in the path. */
export const deskParams = z.object({ id: z.string() })
/** A desk's member in the path. */
export const memberParams = z.object({ id: z.string(), userId: z.uuid() })
/** A desk's re-keying run in the path. */
export const rotationParams = z.object({ id: z.string(), rotationId: z.string() })

// Reply templates (routes/templates.ts).

const title = text(120)
const body = text(4000, { multiline: true })

/**
 * A template form: its code and, per language, a title and a text. A language is filled in whole or
 * left empty; at least one must be filled in.
 */
export const templateSchema = z
  .object({
    code: text(40, { min: 1 }).pipe(
      z.string().regex(/^[a-z0-9][a-z0-9_-]{1,39}$/, 'helpdesk.templates.badCode'),
    ),
    title_ru: title,
    body_ru: body,
    title_en: title,
    body_en: body,
    title_uk: title,
    body_uk: body,
  })
  .superRefine((form, ctx) => {
    let filled = 0
    for (const locale of locales) {
      const [t, b] = [form[`title_${locale}`], form[`body_${locale}`]]
      if (t && b) filled += 1
      else if (t)
        ctx.addIssue({ code: 'custom', path: [`body_${locale}`], message: 'helpdesk.templates.needsBody' })
      else if (b)
        ctx.addIssue({ code: 'custom', path: [`title_${locale}`], message: 'helpdesk.templates.needsTitle' })
    }
    if (!filled) ctx.addIssue({ code: 'custom', path: ['title_ru'], message: 'helpdesk.templates.needsOne' })
  })
/** A filled-in template form. */
export type TemplateForm = z.infer<typeof templateSchema>
/** A template in the path. */
export const templateParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
/** What the template list was sent back after. */
export const templatesQuery = z.object({ done: z.enum(['added', 'saved', 'deleted']).optional() }).catch({})
