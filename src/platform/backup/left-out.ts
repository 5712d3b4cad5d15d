/**
 * What no backup holds, on either engine: rows that are live secrets or exact times, which a restored
 * database does not need. A restored database starts with no one signed in.
 */

/** Lifeline's tables whose rows are left out of every backup (the tables themselves are restored empty). */
export const LEFT_OUT_TABLES: readonly { table: string; why: string }[] = [
  {
    table: 'sessions',
    why: "signed-in members' sealed secrets and when they were last seen; a restore signs everyone out",
  },
  {
    table: 'login_failures',
    why: 'sign-in throttling: keyed hashes of what was typed and exactly when; it matters for an hour',
  },
  {
    table: 'helpdesk_spent_proofs',
    why: 'a spent proof of work expires minutes after a help-desk form was sent: it dates the sending; it only stops a replay within those minutes',
  },
]

/** Kysely's bookkeeping: a restore rebuilds it by running the backup's migrations. */
export const MIGRATION_TABLES: readonly string[] = ['kysely_migration', 'kysely_migration_lock']

/**
 * pg-boss's job rows (its `job` table, a partition per queue named `j<hash>`, and `archive`): each run of
 * each job with its exact times, and nothing a restore needs, since every job Lifeline has is a schedule
 * that pg-boss re-makes at start. As pg_dump table patterns, for `--exclude-table-data`. The embedded
 * backup leaves out pg-boss's whole schema: pg-boss makes it at the next start.
 */
export const JOB_HISTORY_PATTERNS: readonly string[] = ['pgboss.j*', 'pgboss.archive']

/** Whether the rows of `table` (in schema public) are left out of backups. */
export function isLeftOut(table: string): boolean {
  return LEFT_OUT_TABLES.some((entry) => entry.table === table) || MIGRATION_TABLES.includes(table)
}
