/**
 * The audit log in words: each action a label, each detail "field: value" with codes named.
 *
 * Every module names its own actions in its locales, under `audit.actions.<action>`, its detail
 * fields under `audit.fields.<field>`, and says where the names of the codes its details hold live:
 * `audit.valueNames.byAction.<action>.<field>` or `audit.valueNames.byField.<field>` hold a key prefix
 * (`roles`, `helpdesk.desk.statuses`), else `audit.values.<code>` names it. Ids of members and desks
 * show as their names. A test holds every action the code writes to a label in every language.
 */
import { catalogues, formatNumber, type Locale, type T } from '../../../platform/i18n.ts'

/** Names of the members and desks an entry's ids point at. */
export type AuditNames = ReadonlyMap<string, string>

// Free text someone typed or chose (a passkey's name, a mapping's name, a term's code): shown as written.
const asWritten = new Set(['name', 'reason', 'mapping', 'code'])

// The message at `key` in the page's language, or undefined when there is none. Read from the
// catalogues, as i18next answers a missing key with the key and a branch with a warning text.
function known(locale: Locale, key: string): string | undefined {
  let node: unknown = catalogues[locale]
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string' ? node : undefined
}

/** An action's label; an action no module names (an old row) shows as it was written. */
export function actionLabel(locale: Locale, action: string): string {
  return known(locale, `audit.actions.${action}`) ?? action
}

/**
 * What an entry acted on, in words: a member's or desk's name, or for a target written as
 * `<kind>:<id>` (`helpdesk.report:…`, a sealed read's reason) the kind's name from
 * `audit.targets.<kind>` and the id's first eight characters, enough to tell entries apart.
 */
export function targetWords(locale: Locale, target: string | null, names: AuditNames): string {
  if (!target) return ''
  const name = names.get(target)
  if (name) return name
  const [, kind, id] = /^([a-z][a-z_]*(?:\.[a-z_]+)*)(?::(.+))?$/.exec(target) ?? []
  const label = kind && known(locale, `audit.targets.${kind}`)
  if (!label) return target
  return id ? `${label} ${names.get(id) ?? id.slice(0, 8)}` : label
}

/** The field/value pairs of an entry's detail, in words. */
export function detailWords(
  t: T,
  locale: Locale,
  entry: { action: string; detail: unknown },
  names: AuditNames,
): { label: string; value: string }[] {
  const detail = entry.detail
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) return []
  const named = (field: string, value: unknown): string => {
    if (value === null || value === undefined || value === '') return '—'
    if (typeof value === 'boolean') return t(value ? 'audit.yes' : 'audit.no')
    if (typeof value === 'number') return formatNumber(value, locale)
    if (Array.isArray(value)) return value.length ? value.map((item) => named(field, item)).join(', ') : '—'
    if (typeof value !== 'string') return JSON.stringify(value)
    const name = names.get(value)
    if (name) return name
    if (asWritten.has(field) || !/^[a-z][a-z0-9_.-]*$/.test(value)) return value
    const prefix =
      known(locale, `audit.valueNames.byAction.${entry.action}.${field}`) ??
      known(locale, `audit.valueNames.byField.${field}`)
    return (prefix && known(locale, `${prefix}.${value}`)) ?? known(locale, `audit.values.${value}`) ?? value
  }
  // jsonb keeps keys shortest first: "to" would come before "from".
  const first = (field: string) => (field === 'from' ? 0 : field === 'to' ? 1 : 2)
  const fields = Object.entries(detail as Record<string, unknown>).sort(([a], [b]) => first(a) - first(b))
  return fields.map(([field, value]) => ({
    label: known(locale, `audit.fields.${field}`) ?? field,
    value: named(field, value),
  }))
}

/** The ids an entry names (its target and its detail's values), to look their names up. */
export function idsIn(entry: { target: string | null; detail: unknown }): string[] {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/
  const values = [entry.target, ...Object.values((entry.detail ?? {}) as Record<string, unknown>)]
  return values.flat().filter((value): value is string => typeof value === 'string' && uuid.test(value))
}
