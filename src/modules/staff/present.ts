/** The only way staff accounts become what pages show. */
import { fingerprint } from '../../platform/crypto/primitives.ts'
import type { members } from './queries/users.ts'

/** A staff member as the people pages show them. */
export type StaffMember = {
  id: string
  email: string
  displayName: string
  roles: string[]
  totpEnabled: boolean
  disabled: boolean
  createdAt: Date
  /** Their public key's fingerprint, for comparing with what they see on their own account page. */
  keyFingerprint: string
}

/** A staff account's row as queries/users.ts reads it. */
export type MemberRow = Awaited<ReturnType<ReturnType<typeof members>['executeTakeFirstOrThrow']>>

/** A staff account as the people pages show it: every field named. */
export function presentMember(row: MemberRow): StaffMember {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    roles: (row.roles ?? []).sort(),
    totpEnabled: !!row.totp_enabled_at,
    disabled: !!row.disabled_at,
    createdAt: row.created_at,
    keyFingerprint: fingerprint(row.public_key),
  }
}
