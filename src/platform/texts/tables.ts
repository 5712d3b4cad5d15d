/** The editable texts' tables, added to the platform's Database type. */
import type { ColumnType, Generated } from 'kysely'
import type { Localised } from '../localised.ts'

type Json<T> = ColumnType<T, string, string>

declare module '../db/tables.ts' {
  interface Database {
    editable_texts: {
      /** Dotted, owner first: `helpdesk.rights`. */
      key: string
      titles: Json<Localised>
      /** Markdown, per language. */
      bodies: Json<Localised>
      version: Generated<number>
      updated_by: string | null
      updated_at: Generated<Date>
    }
    editable_text_history: {
      id: Generated<string>
      text_key: string
      version: number
      changed_by: string | null
      changed_at: Generated<Date>
      /** Field → { from, to } (platform/history/versions.ts). */
      changes: Json<Record<string, { from: unknown; to: unknown }>>
    }
  }
}
