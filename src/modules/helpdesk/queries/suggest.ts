/**
 * Who should take a report: its desk's workers in the order they fit it. First those who take its
 * region by name, then those who take every region, then the rest; within each, those whose
 * specialties name its category, then those with fewer open reports already. A specialty names a
 * category when one of its words starts like a word of the category's name in any language
 * ("уголовные дела" fits "Уголовное обвинение", "detentions" fits "Detention").
 */
import type { Db } from '../../../platform/db/database.ts'
import { locales, translator } from '../../../platform/i18n.ts'

/** A worker as deskWorkers lists them. */
export type Worker = { id: string; name: string; regionIds: number[]; specialties: string[] }

/** A worker with why they fit: region ('named', 'all' or 'other'), specialty, open reports. */
export type Suggestion = Worker & { region: 'named' | 'all' | 'other'; specialty: boolean; open: number }

// The first five letters of each word of four or more: enough to match the forms of a word.
const stems = (text: string): string[] =>
  (text.toLocaleLowerCase().match(/\p{L}{4,}/gu) ?? []).map((word) => [...word].slice(0, 5).join(''))

/** The stems of a category's names in every language. */
export function categoryStems(category: string): Set<string> {
  return new Set(locales.flatMap((locale) => stems(translator(locale)(`helpdesk.categories.${category}`))))
}

/** `workers` in the order they fit a report of `category` in `regionId`. */
export function rankWorkers(
  workers: Worker[],
  report: { regionId: number | null; category: string },
  open: Map<string, number>,
): Suggestion[] {
  const wanted = categoryStems(report.category)
  const order = { named: 0, all: 1, other: 2 } as const
  return workers
    .map((worker): Suggestion => {
      const region =
        report.regionId !== null && worker.regionIds.includes(report.regionId)
          ? 'named'
          : worker.regionIds.length === 0
            ? 'all'
            : 'other'
      const specialty = worker.specialties.some((item) => stems(item).some((stem) => wanted.has(stem)))
      return { ...worker, region, specialty, open: open.get(worker.id) ?? 0 }
    })
    .sort(
      (a, b) =>
        order[a.region] - order[b.region] ||
        Number(b.specialty) - Number(a.specialty) ||
        a.open - b.open ||
        a.name.localeCompare(b.name),
    )
}

/** How many open reports of the desk each member has. */
export async function openLoad(db: Db, deskId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('helpdesk_reports')
    .select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('desk_id', '=', deskId)
    .where('status', '<>', 'closed')
    .where('assignee_id', 'is not', null)
    .groupBy('assignee_id')
    .execute()
  return new Map(rows.map((row) => [row.assignee_id!, Number(row.n)]))
}
