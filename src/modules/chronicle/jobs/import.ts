/**
 * One import, enqueued by the request that uploaded its file (commands/import/jobs.ts) and run by
 * whichever node works it first (commands/import/run-job.ts).
 */
import { z } from 'zod'
import { defineJob } from '../../../platform/jobs/queue.ts'
import { runImportJob } from '../commands/import/run-job.ts'

/** An import runs once, however long it takes: a dead run is marked interrupted, and a person runs it again. */
export const importJob = defineJob({
  name: 'chronicle-import',
  payload: z.object({ importId: z.uuid() }),
  delivery: { retryLimit: 0, expireInSeconds: 12 * 3600 },
  handler: (db, { importId }, context) => runImportJob(db, importId, context),
})
