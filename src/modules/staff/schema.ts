/** Schemas for the staff forms. */
import { z } from 'zod'
import { roles } from '../../platform/policy.ts'
import { many, text } from '../../platform/validation.ts'

const role = z.enum(roles, { error: 'validation.invalid' })

/** A new invitation: optional e-mail, at least one role. */
export const inviteForm = z.object({
  email: text(254)
    .pipe(z.union([z.literal(''), z.email('validation.email')]))
    .transform((value) => value.toLowerCase() || null),
  roles: many(role).pipe(z.array(role).min(1, 'validation.pickRole')),
})

/** A member's roles (may be empty: a member with no role can sign in but see nothing). */
export const rolesForm = z.object({ roles: many(role) })

/** Audit log filters, all optional; `before` pages backwards by id. */
export const auditQuery = z.object({
  action: text(64).optional(),
  actor: text(254).optional(),
  from: z.union([z.literal(''), z.iso.date('validation.date')]).optional(),
  to: z.union([z.literal(''), z.iso.date('validation.date')]).optional(),
  before: z.coerce.number().int().positive().optional(),
})

/** A user id in a path. */
export const userParams = z.object({ id: z.uuid() })
/** A checked audit-log filter. */
export type AuditQuery = z.infer<typeof auditQuery>
