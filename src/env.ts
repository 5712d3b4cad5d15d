import { z } from 'zod'

/** Every setting Lifeline reads from the environment, each with its default and a one-line doc. */
const schema = z.object({
  /** Address to listen on. Keep 127.0.0.1 behind a reverse proxy or onion service. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Port to listen on. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Folder for the embedded database and its lock; ignored for data when DATABASE_URL is set. */
  LIFELINE_DATA_DIR: z.string().min(1).default('./data'),
  /**
   * Folder of the help desk's erasure keys, which no backup may include (see
   * src/platform/crypto/erasure-keys.ts); unset means `<LIFELINE_DATA_DIR>-erasure-keys`.
   */
  LIFELINE_ERASURE_KEYS_DIR: z.string().min(1).optional(),
  /**
   * File of the server key, which no database backup may include and every app node must share (see
   * src/platform/crypto/server-key.ts); made on first start; unset means `<LIFELINE_DATA_DIR>-server.key`.
   */
  LIFELINE_SERVER_KEY_FILE: z.string().min(1).optional(),
  /**
   * Argon2id cost of new passwords: `moderate` (3 passes over 256 MiB, about a second) or `sensitive`
   * (4 over 1 GiB). Each password keeps the cost it was made at; a lower one is raised at the next sign-in.
   */
  LIFELINE_PASSWORD_COST: z.enum(['interactive', 'moderate', 'sensitive']).default('moderate'),
  /** postgres:// URL of a native PostgreSQL; unset means the embedded PGlite database. */
  DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /**
   * postgres:// URL of the role that owns the schema, used only to apply migrations (at start and by
   * `lifeline db migrate`); DATABASE_URL's role then gets only what the app needs. Unset: DATABASE_URL does both.
   */
  LIFELINE_MIGRATION_DATABASE_URL: z
    .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /** The address people reach Lifeline at, used in printed links; https turns on Secure cookies. */
  LIFELINE_PUBLIC_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /**
   * Which reverse proxies to believe about the client's address (X-Forwarded-For), for rate limits and
   * sign-in throttling: `false` (none), a number of proxy hops in front (`true` means 1), or a
   * comma-separated list of proxy addresses or CIDR ranges. Trusting more than is there lets anyone
   * pick their own address.
   */
  LIFELINE_TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx) => {
      const text = value.trim().toLowerCase()
      if (text === 'false' || text === '0') return false
      if (text === 'true') return 1
      if (/^\d{1,2}$/.test(text)) return Number(text)
      const list = text.split(',').map((item) => item.trim())
      if (list.every((item) => /^[\da-f.:]+(\/\d{1,3})?$/.test(item))) return list
      ctx.addIssue({ code: 'custom', message: 'must be false, a number of proxy hops, or proxy addresses' })
      return z.NEVER
    }),
  /**
   * Seconds a client has to send a whole request, body included; a slower one gets 408. Enough for the
   * help form's photos or a staff import over a decent link; raise it where staff upload large imports
   * over slow ones (Tor), at the cost of letting a trickling client hold a connection that long.
   */
  LIFELINE_REQUEST_TIMEOUT_S: z.coerce.number().int().min(10).max(3600).default(120),
  /** Exports with more rows than this run as background jobs with a progress page. */
  LIFELINE_EXPORT_JOB_ROWS: z.coerce.number().int().min(0).default(100_000),
  /** Photos decoded at once, across all writers; unset means 1 (see src/platform/intake/photos.ts). */
  LIFELINE_PHOTO_DECODES: z.coerce.number().int().min(1).max(256).optional(),
  /** Megabytes of uploaded photos held in memory at once; unset means 96 (see photos.ts). */
  LIFELINE_UPLOAD_MEMORY_MB: z.coerce.number().int().min(1).max(1_048_576).optional(),
  /** How much the server logs: fatal, error, warn, info, debug, trace or silent. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
})

/** Validated settings. */
export type Env = z.infer<typeof schema> & { publicUrl: string }

/** Thrown when a setting is invalid; the message names the setting and what is wrong. */
export class EnvError extends Error {}

/** Reads and validates the settings; throws EnvError naming each invalid one. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const blankAsUnset = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''))
  const parsed = schema.safeParse(blankAsUnset)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    throw new EnvError(`Invalid setting:\n${lines.join('\n')}`)
  }
  const env = parsed.data
  if (env.LIFELINE_MIGRATION_DATABASE_URL && !env.DATABASE_URL)
    throw new EnvError(
      'Invalid setting:\n  LIFELINE_MIGRATION_DATABASE_URL: needs DATABASE_URL (the embedded database has one user)',
    )
  const publicUrl = (env.LIFELINE_PUBLIC_URL ?? `http://${env.HOST}:${env.PORT}`).replace(/\/+$/, '')
  return { ...env, publicUrl }
}
