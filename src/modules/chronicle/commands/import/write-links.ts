/**
 * What hangs off imported events: their sources and their articles, each added in one statement per
 * batch, and only where the event does not have it yet, so a re-import never duplicates them.
 *
 * Events the batch has just inserted can have neither yet, so only changed ones are checked. That is
 * not only less work: an import is one transaction, whose own rows the planner's statistics don't
 * count, and the check's anti-join then scanned every source and act written so far, batch after batch.
 */
import { sql } from 'kysely'
import type { Db } from '../../../../platform/db/database.ts'
import type { EventDraft } from './convert.ts'
import type { Mapping } from './mapping.ts'

/** An event the batch inserted (`fresh`) or changed, with the row it came from. */
export type WrittenEvent = { id: number; draft: EventDraft; fresh: boolean }

// Runs `write` once for the fresh events (no check needed) and once for the changed ones.
async function inTwoGroups(
  events: WrittenEvent[],
  write: (group: WrittenEvent[], check: boolean) => Promise<void>,
): Promise<void> {
  const fresh = events.filter((event) => event.fresh)
  const changed = events.filter((event) => !event.fresh)
  if (fresh.length) await write(fresh, false)
  if (changed.length) await write(changed, true)
}

/**
 * Adds each event's sources in file order: every link the row gives (described by the mapping's
 * source), every description it gives, every source given whole (with its own publisher, date and
 * reliability), or, when it gives none, the mapping's source itself.
 */
export async function addSources(db: Db, events: WrittenEvent[], source: Mapping['source']): Promise<void> {
  await inTwoGroups(events, async (group, check) => {
    const ids: number[] = []
    const urls: (string | null)[] = []
    const descriptions: (string | null)[] = []
    const publishers: (string | null)[] = []
    const dates: (string | null)[] = []
    const reliabilities: string[] = []
    for (const { id, draft } of group) {
      const given = draft.sources.length ? draft.sources : [{ url: source.url ?? null, description: null }]
      for (const item of given) {
        ids.push(id)
        urls.push(item.url)
        // A source given whole says all about itself; a bare link is described by the mapping.
        const whole = item.reliability !== undefined
        descriptions.push(item.description ?? (whole ? null : (source.description ?? null)))
        publishers.push(whole ? (item.publisher ?? null) : (source.publisher ?? null))
        dates.push(whole ? (item.publishedOn ?? null) : (source.publishedOn ?? null))
        reliabilities.push(item.reliability ?? source.reliability)
      }
    }
    const missing = check
      ? sql`WHERE NOT EXISTS (
          SELECT 1 FROM chronicle_sources s
          WHERE s.event_id = c.id AND s.url IS NOT DISTINCT FROM c.url AND s.description IS NOT DISTINCT FROM c.description
        )`
      : sql``
    // Identity values follow ORDER BY, so the export (sources by id) lists them as the file did.
    await sql`
      INSERT INTO chronicle_sources (event_id, url, description, publisher, published_on, reliability)
      SELECT c.id, c.url, c.description, c.publisher, c.published_on, c.reliability
      FROM unnest(${ids}::bigint[], ${urls}::text[], ${descriptions}::text[], ${publishers}::text[],
        ${dates}::date[], ${reliabilities}::text[])
        WITH ORDINALITY AS c(id, url, description, publisher, published_on, reliability, n)
      ${missing}
      ORDER BY c.n`.execute(db)
  })
}

/**
 * Links each event to its articles. The schema keeps articles on cases, and cases on events through
 * acts (that is how every public output finds an event's articles), so an article the event lacks
 * becomes: one case per kind (administrative, criminal) holding that kind's missing articles, tied to
 * the event by the matching charge, with no person — the file names no one.
 */
export async function addArticles(db: Db, events: WrittenEvent[]): Promise<void> {
  await inTwoGroups(events, async (group, check) => {
    const ids: number[] = []
    const articles: number[] = []
    const kinds: string[] = []
    const acts: number[] = []
    const parts: (string | null)[] = []
    const paragraphs: (string | null)[] = []
    for (const { id, draft } of group)
      for (const article of draft.articles) {
        ids.push(id)
        articles.push(article.articleId)
        kinds.push(article.caseKind)
        acts.push(article.actTypeId)
        parts.push(article.part)
        paragraphs.push(article.paragraph)
      }
    if (!ids.length) return
    const missing = check
      ? sql`WHERE NOT EXISTS (
          SELECT 1 FROM chronicle_acts a JOIN chronicle_case_articles ca ON ca.case_id = a.case_id
          WHERE a.event_id = w.event_id AND ca.article_id = w.article_id
        )`
      : sql``
    // One statement: the case ids are drawn first (a CTE with nextval is evaluated once), then the
    // cases, their articles and the acts go in together.
    await sql`
      WITH wanted AS (
        SELECT w.event_id, w.article_id, w.kind, w.act_type_id, w.part, w.paragraph
        FROM unnest(${ids}::bigint[], ${articles}::int[], ${kinds}::text[], ${acts}::int[], ${parts}::text[], ${paragraphs}::text[])
          AS w(event_id, article_id, kind, act_type_id, part, paragraph)
        ${missing}
      ), cases AS MATERIALIZED (
        SELECT nextval(pg_get_serial_sequence('chronicle_cases', 'id')) AS case_id, g.event_id, g.kind, g.act_type_id
        FROM (SELECT DISTINCT event_id, kind, act_type_id FROM wanted) g
      ), new_cases AS (
        INSERT INTO chronicle_cases (id, kind) SELECT case_id, kind FROM cases
      ), new_articles AS (
        INSERT INTO chronicle_case_articles (case_id, article_id, part, paragraph)
        SELECT c.case_id, w.article_id, w.part, w.paragraph FROM wanted w JOIN cases c USING (event_id, kind)
      )
      INSERT INTO chronicle_acts (event_id, act_type_id, case_id)
      SELECT event_id, act_type_id, case_id FROM cases`.execute(db)
  })
}
