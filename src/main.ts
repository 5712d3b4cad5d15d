/** `npm start`: reads the settings and runs Lifeline. A bad setting stops it with a message naming it. */
import { EnvError, loadEnv } from './env.ts'
import { ServerKeyError } from './platform/crypto/server-key.ts'
import { DataDirLockedError } from './platform/db/database.ts'
import { serve } from './serve.ts'

try {
  await serve(loadEnv())
} catch (error) {
  if (error instanceof EnvError || error instanceof DataDirLockedError || error instanceof ServerKeyError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
