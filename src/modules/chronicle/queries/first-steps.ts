/** The chronicle's first step on a fresh install (the staff dashboard lists it): check the vocabularies. */
import type { Db } from '../../../platform/db/database.ts'
import type { FirstStep } from '../../../platform/module.ts'
import { EDIT_CHRONICLE } from '../policy.ts'

/**
 * "Check the vocabularies" is done once a member has worked on them (proposed, approved or rejected
 * a term: the seed's terms name nobody) and no proposed term waits for a decision. Merely opening the
 * page is not recorded, so a group content with the seed ticks it by adding or deciding one term.
 */
export async function chronicleFirstSteps(db: Db): Promise<FirstStep[]> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .exists(
          eb
            .selectFrom('vocab_terms')
            .select('id')
            .where((w) => w.or([w('proposed_by', 'is not', null), w('decided_by', 'is not', null)])),
        )
        .as('touched'),
      eb.exists(eb.selectFrom('vocab_terms').select('id').where('status', '=', 'proposed')).as('waiting'),
    ])
    .executeTakeFirstOrThrow()
  return [
    {
      label: 'chronicle.vocabulary.firstStep',
      href: '/staff/chronicle/vocabularies',
      done: Boolean(row.touched) && !row.waiting,
      permission: EDIT_CHRONICLE,
    },
  ]
}
