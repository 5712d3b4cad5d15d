/** One schema per sign-in form. */
import { z } from 'zod'
import { email, newPassword, text } from '../validation.ts'
import { isStrongPassword } from './password-strength.ts'

/** Where to go after signing in: only a local path, never another host. */
export const nextPath = z
  .string()
  .optional()
  .transform((value) =>
    value && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && value.length < 500 ? value : '/staff',
  )

/** Setup of the first admin and sign-up of invited staff. */
export const accountForm = z
  .object({
    displayName: text(100, { min: 1 }),
    email: email(),
    password: newPassword(),
    confirm: z.string({ error: 'validation.required' }),
  })
  .refine((form) => form.password === form.confirm, {
    path: ['confirm'],
    message: 'validation.passwordsDiffer',
  })
  // The same check as newPassword's, now knowing the e-mail and name a guesser would try first.
  .refine((form) => isStrongPassword(form.password, [form.email, form.displayName]), {
    path: ['password'],
    message: 'validation.passwordWeak',
  })

/** E-mail and password. */
export const loginForm = z.object({
  email: text(254, { min: 1 }),
  password: z
    .string({ error: 'validation.required' })
    .min(1, 'validation.required')
    .max(256, 'validation.tooLong'),
  next: nextPath,
})

/** A TOTP or recovery code (four groups of five, with room for spaces typed between them). */
export const codeForm = z.object({ code: text(40, { min: 1 }), next: nextPath })

/** Password change. */
export const passwordForm = z
  .object({
    current: z
      .string({ error: 'validation.required' })
      .min(1, 'validation.required')
      .max(256, 'validation.tooLong'),
    password: newPassword(),
    confirm: z.string({ error: 'validation.required' }),
  })
  .refine((form) => form.password === form.confirm, {
    path: ['confirm'],
    message: 'validation.passwordsDiffer',
  })

/** A new password through a reset link. */
export const resetForm = z
  .object({ password: newPassword(), confirm: z.string({ error: 'validation.required' }) })
  .refine((form) => form.password === form.confirm, {
    path: ['confirm'],
    message: 'validation.passwordsDiffer',
  })
