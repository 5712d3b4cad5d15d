/**
 * Who may do what. Roles grant permissions; every route declares the policy it needs, and a route
 * without one is refused at start-up (see app.ts) and by the route-policy test.
 */

/** Staff roles; one person may hold several. */
export const roles = ['admin', 'coordinator', 'lawyer', 'editor', 'treasurer', 'volunteer'] as const
/** One of `roles`. */
export type Role = (typeof roles)[number]

/** Roles that can read sealed data and so must use a second factor. */
export const sealedReaders: ReadonlySet<Role> = new Set([
  'admin',
  'coordinator',
  'lawyer',
  'treasurer',
  'volunteer',
])

/**
 * A route's policy:
 * - 'public': anyone, signed in or not;
 * - 'session': anyone with a session at any stage, also half-way through signing in (password
 *   checked, second factor not yet); the handler decides what each stage may do;
 * - a permission name: a fully signed-in staff member whose roles grant it. Anyone else gets 404,
 *   except a visitor who is not signed in, who is sent to the sign-in page.
 */
export type RoutePolicy = 'public' | 'session' | { permission: Permission }

/** A permission: its name (unique across the app) and the roles that hold it. */
export type Permission = { readonly name: string; readonly holders: ReadonlySet<Role> }

/**
 * A permission and the roles that hold it. A module lists its permissions in its descriptor
 * (module.ts), and buildApp refuses two with the same name.
 */
export function definePermission(name: string, holders: readonly Role[]): Permission {
  return { name, holders: new Set(holders) }
}

/** Whether any of `held` grants `permission`. */
export function can(held: readonly string[], permission: Permission): boolean {
  return held.some((role) => permission.holders.has(role as Role))
}

/** Any signed-in staff member. */
export const STAFF = definePermission('staff.area', roles)
/** Invite people, change roles, disable accounts. */
export const MANAGE_USERS = definePermission('users.manage', ['admin'])
/** Read the audit log. */
export const READ_AUDIT = definePermission('audit.read', ['admin'])
/** The platform's own permissions. */
export const platformPermissions: readonly Permission[] = [STAFF, MANAGE_USERS, READ_AUDIT]

/** Whether a person with these roles must enrol a second factor. */
export function needsSecondFactor(held: readonly string[]): boolean {
  return held.some((role) => sealedReaders.has(role as Role))
}

/** True for a known role name. */
export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (roles as readonly string[]).includes(value)
}
