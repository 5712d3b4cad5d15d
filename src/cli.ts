/**
 * `npm run lifeline -- <command>`: the same operations as the web, without HTTP.
 * Each command opens the configured store (embedded or native) and closes it when done. On the embedded
 * database, while a server runs, commands go through that server's database (see database.ts).
 */
import { Command, Option } from 'commander'
import { EnvError, loadEnv } from './env.ts'
import { allJobs, installedModules } from './modules.ts'
import { audit } from './platform/audit.ts'
import { insertAccount, prepareAccount } from './platform/auth/accounts.ts'
import { createInvite } from './platform/auth/invites.ts'
import { accountForm } from './platform/auth/schema.ts'
import { registerBackupCommands } from './platform/backup/commands.ts'
import { ask } from './platform/cli-prompt.ts'
import { ServerKeyError } from './platform/crypto/server-key.ts'
import { openConfiguredStore, withStore } from './platform/db/configured-store.ts'
import { DataDirLockedError } from './platform/db/database.ts'
import { migrateDown } from './platform/db/migrate.ts'
import { asOwner, prepareDatabase } from './platform/db/prepare.ts'
import { translator } from './platform/i18n.ts'
import type { CliDeps } from './platform/module.ts'
import { isRole, roles } from './platform/policy.ts'
import { parseForm } from './platform/validation.ts'
import { serve } from './serve.ts'

const program = new Command('lifeline').description('Lifeline: run the server and manage it from a terminal.')

program
  .command('serve')
  .description('Run the web server (same as npm start). Settings come from the environment; see README.')
  .action(async () => serve(loadEnv()))

const db = program.command('db').description('Database tasks.')
db.command('migrate')
  .description('Apply every pending migration (also done at every start).')
  .option('--down', 'revert the latest applied migration instead')
  .action(async (options: { down?: boolean }) => {
    const env = loadEnv()
    const store = await openConfiguredStore(env, { role: 'command' })
    try {
      // Taking back a migration the running server was started with would break it under its users.
      if (options.down && store.viaServer !== undefined) {
        console.error(
          `A Lifeline server (pid ${store.viaServer}) is running on this database with every migration applied. Stop it, then revert.`,
        )
        process.exitCode = 1
        return
      }
      const prepared = options.down ? null : await prepareDatabase(env, store, allJobs())
      const names = prepared?.applied ?? (await asOwner(env, store, migrateDown))
      for (const excess of prepared?.excess ?? [])
        console.warn(`Warning: DATABASE_URL's role ${excess}; the app needs none of that.`)
      console.log(
        names.length ? `${options.down ? 'Reverted' : 'Applied'}: ${names.join(', ')}` : 'Nothing to do.',
      )
    } finally {
      await store.close()
    }
  })

program
  .command('admin')
  .description('Administrator accounts.')
  .command('create')
  .description(
    'Create an administrator. Asks for anything not given; the password is always asked (or read from stdin).',
  )
  .option('--email <email>', 'e-mail to sign in with')
  .option('--name <name>', 'display name')
  .action(async (options: { email?: string; name?: string }) => {
    const email = options.email ?? (await ask('E-mail: '))
    const displayName = options.name ?? (await ask('Name: '))
    const password = await ask('Password (12+ characters): ', true)
    const confirm = process.stdin.isTTY ? await ask('Password again: ', true) : password
    const form = parseForm(accountForm, { email, displayName, password, confirm })
    if (!form.ok) {
      // The same messages the setup page shows, in English (a terminal has no language cookie).
      const t = translator('en')
      for (const [field, key] of Object.entries(form.errors)) console.error(`${field}: ${t(key)}`)
      process.exit(1)
    }
    await withStore(loadEnv(), allJobs(), async (store) => {
      const prepared = await prepareAccount(store.serverKey, { ...form.data, roles: ['admin'] })
      const { id } = await store.db.transaction().execute(async (trx) => {
        const account = await insertAccount(trx, prepared)
        await audit(trx, {
          actorId: null,
          action: 'account.created_cli',
          target: account.id,
          detail: { roles: ['admin'] },
        })
        return account
      })
      console.log(
        `Created administrator ${form.data.email} (${id}). Sign in at /login and set up the authenticator app.`,
      )
    })
  })

program
  .command('user')
  .description('Staff accounts.')
  .command('invite')
  .description('Print a one-time sign-up link (valid 7 days) for a new staff member.')
  .addOption(
    new Option('--roles <roles>', `comma-separated roles: ${roles.join(', ')}`).makeOptionMandatory(),
  )
  .option('--email <email>', 'pre-fill the sign-up form')
  .action(async (options: { roles: string; email?: string }) => {
    const wanted = options.roles.split(',').map((role) => role.trim())
    const unknown = wanted.filter((role) => !isRole(role))
    if (unknown.length) {
      console.error(`Unknown role: ${unknown.join(', ')}. Roles: ${roles.join(', ')}`)
      process.exit(1)
    }
    const env = loadEnv()
    await withStore(env, allJobs(), async (store) => {
      const invite = await createInvite(store.db, {
        kind: 'invite',
        roles: wanted,
        email: options.email ?? null,
      })
      await audit(store.db, {
        actorId: null,
        action: 'invite.created',
        target: invite.id,
        detail: { roles: wanted, via: 'cli' },
      })
      console.log(`${env.publicUrl}/signup/${invite.token}`)
    })
  })

registerBackupCommands(program)
const cliDeps: CliDeps = { withStore: (env, work) => withStore(env, allJobs(), work) }
for (const module of installedModules) module.cli?.(program, cliDeps)

try {
  await program.parseAsync()
} catch (error) {
  if (error instanceof EnvError || error instanceof DataDirLockedError || error instanceof ServerKeyError) {
    console.error(error.message)
    process.exit(1)
  }
  throw error
}
