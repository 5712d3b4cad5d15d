/**
 * The help desk benchmark's server: Lifeline as `npm start` runs it (src/serve.ts: the same settings,
 * store, migrations, jobs and modules), with the unsealed baseline route added (helpdesk-baseline.ts).
 * Started by bench/helpdesk.ts in place of src/main.ts.
 */
import { loadEnv } from '../../src/env.ts'
import { serve } from '../../src/serve.ts'
import { helpdeskBaseline } from './helpdesk-baseline.ts'

await serve(loadEnv(), { extraRoutes: helpdeskBaseline })
