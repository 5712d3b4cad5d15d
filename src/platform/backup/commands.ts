/** `lifeline backup` and `lifeline restore`. */
import type { Command } from 'commander'
import { loadEnv } from '../../env.ts'
import { ask } from '../cli-prompt.ts'
import { dataDirHolder, describeHolder } from '../db/data-dir-lock.ts'
import { DataDirLockedError, openStore } from '../db/database.ts'
import { BackupError, backupTo, checkPassphrase, restoreFrom, verifyBackup } from './backup.ts'

const PASSPHRASE_ENV = 'LIFELINE_BACKUP_PASSPHRASE'

const backupHelp = `
What it writes:
  Live rows only, never the database's files: the embedded database's (LIFELINE_DATA_DIR) table by
  table in one snapshot; native PostgreSQL's (DATABASE_URL) with pg_dump --format=custom (needs
  postgresql-client). Both are consistent. Sessions, sign-in failures, spent proofs of work and job
  history are left out: a restored database starts with no one signed in. The server key file
  (<data dir>-server.key) and the erasure keys are never in a backup: a restore needs the same server
  key, so keep a copy of it apart from the backups.
  The dump is encrypted with a key derived from the passphrase (argon2id, XChaCha20-Poly1305 in
  authenticated 64 KiB chunks). It is written to FILE.partial and renamed to FILE only when complete;
  an existing FILE is replaced only then.

Passphrase:
  From ${PASSPHRASE_ENV}, otherwise asked twice (not shown). At least 12 characters.
  Keep it apart from the backup: without it the backup cannot be opened by anyone, you included.

Embedded database:
  The copy is taken by the process that opens the data dir: stop the server first. To back up while
  it runs, use native PostgreSQL (DATABASE_URL), where pg_dump works beside the server.

Example:
  ${PASSPHRASE_ENV}='…' npm run lifeline -- backup --out /backups/lifeline-$(date +%F).llbackup
`

const restoreHelp = `
Where it goes:
  Into the database the settings point at: native PostgreSQL if DATABASE_URL is set, otherwise the
  embedded data dir LIFELINE_DATA_DIR. A backup restores only into the engine it came from: an
  embedded backup into an embedded data dir, a native one into native PostgreSQL. Anything else is refused.

Safety:
  The file is checked (passphrase, every chunk, its end) before anything changes. A wrong passphrase
  or a damaged file changes nothing.
  Embedded: a new data dir is built beside the target (the backup's migrations, then its rows, every
  table's count checked) and moved into place when complete. Refused while a server (or any process)
  has the data dir open: stop it first. Refused too if the data dir holds data, unless --force,
  which moves the old data dir aside to <dir>.before-restore-<time> (never deleted).
  Native: refused if the database already has Lifeline tables, unless --force, which runs
  pg_restore --clean --if-exists --no-owner in one transaction (all or nothing).

Passphrase:
  From ${PASSPHRASE_ENV}, otherwise asked (not shown).

Example:
  LIFELINE_DATA_DIR=./data-restored npm run lifeline -- restore --in lifeline.llbackup
`

/** Adds the backup commands to the CLI. */
export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Write a consistent, passphrase-encrypted backup of the database to a file.')
    .requiredOption('--out <file>', 'the backup file to write')
    .addHelpText('after', backupHelp)
    .action((options: { out: string }) => reportErrors(() => backup(options.out)))

  program
    .command('restore')
    .description('Restore a backup made by `lifeline backup` into the configured database.')
    .requiredOption('--in <file>', 'the backup file to read')
    .option('--force', 'replace existing data (embedded: the old data dir is moved aside, not deleted)')
    .option('--verify-only', 'only check that the passphrase opens the file and every chunk is intact')
    .addHelpText('after', restoreHelp)
    .action((options: { in: string; force?: boolean; verifyOnly?: boolean }) =>
      reportErrors(() => restore(options)),
    )
}

async function backup(file: string): Promise<void> {
  const env = loadEnv()
  const passphrase = await passphraseFor('backup')
  if (env.DATABASE_URL) {
    const header = await backupTo({ engine: 'postgres', databaseUrl: env.DATABASE_URL }, file, passphrase)
    console.log(`Backed up native PostgreSQL to ${file} (${header.created_at}).`)
    return
  }
  const store = await openStore({ dataDir: env.LIFELINE_DATA_DIR }).catch((error: unknown) => {
    if (!(error instanceof DataDirLockedError)) throw error
    throw new BackupError(
      'ERR_BACKUP_TARGET_IN_USE',
      `The database in ${env.LIFELINE_DATA_DIR} is in use (${describeHolder(error.holder)}). Stop the server, then run the backup again; or run Lifeline on native PostgreSQL (DATABASE_URL), which can be backed up while it runs.`,
    )
  })
  try {
    const header = await backupTo(store, file, passphrase)
    console.log(
      `Backed up the embedded database in ${env.LIFELINE_DATA_DIR} to ${file} (${header.created_at}).`,
    )
  } finally {
    await store.close()
  }
}

async function restore(options: { in: string; force?: boolean; verifyOnly?: boolean }): Promise<void> {
  const env = loadEnv()
  const passphrase = await passphraseFor('restore')
  if (options.verifyOnly) {
    const { header, bytes } = await verifyBackup(options.in, passphrase)
    console.log(
      `${options.in} is intact: a ${header.engine} backup from ${header.created_at}, ${bytes} bytes of dump.`,
    )
    return
  }
  const force = options.force ?? false
  const holder = env.DATABASE_URL ? null : dataDirHolder(env.LIFELINE_DATA_DIR)
  if (holder)
    throw new BackupError(
      'ERR_BACKUP_TARGET_IN_USE',
      `The database in ${env.LIFELINE_DATA_DIR} is ${describeHolder(holder)}. A restore replaces the whole data dir, which no process may have open: stop ${holder.verdict === 'live' ? `that server (pid ${holder.pid})` : 'it'}, then restore again (or restore into another folder and point LIFELINE_DATA_DIR at it).`,
    )
  const { header, movedAside } = await restoreFrom(
    options.in,
    passphrase,
    env.DATABASE_URL
      ? { engine: 'postgres', databaseUrl: env.DATABASE_URL, force }
      : { engine: 'pglite', dataDir: env.LIFELINE_DATA_DIR, force },
  )
  const where = env.DATABASE_URL ? 'native PostgreSQL' : env.LIFELINE_DATA_DIR
  console.log(`Restored the backup from ${header.created_at} into ${where}.`)
  if (movedAside)
    console.log(`The previous data dir was moved to ${movedAside}; delete it once you are sure.`)
  console.log('Pending migrations, if the backup is older than this version, are applied at the next start.')
}

// Asked twice for a new backup, so a typo doesn't make a backup no one can open.
async function passphraseFor(purpose: 'backup' | 'restore'): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV]
  if (fromEnv) {
    if (purpose === 'backup') checkPassphrase(fromEnv)
    return fromEnv
  }
  const passphrase = await ask('Backup passphrase: ', true)
  if (purpose === 'restore') return passphrase
  checkPassphrase(passphrase)
  if (process.stdin.isTTY && (await ask('Passphrase again: ', true)) !== passphrase)
    throw new BackupError('ERR_BACKUP_PASSPHRASES_DIFFER', 'The two passphrases differ; nothing was written.')
  return passphrase
}

async function reportErrors(work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    if (!(error instanceof BackupError)) throw error
    console.error(error.message)
    process.exit(1)
  }
}
