/** Why a backup or restore stopped; the message says what to do, the code lets tests and scripts tell them apart. */
export type BackupErrorCode =
  | 'ERR_BACKUP_WEAK_PASSPHRASE'
  | 'ERR_BACKUP_PASSPHRASES_DIFFER'
  | 'ERR_BACKUP_NOT_A_BACKUP'
  | 'ERR_BACKUP_WRONG_PASSPHRASE'
  | 'ERR_BACKUP_DAMAGED'
  | 'ERR_BACKUP_ENGINE_MISMATCH'
  | 'ERR_BACKUP_TARGET_IN_USE'
  | 'ERR_BACKUP_TARGET_NOT_EMPTY'
  | 'ERR_BACKUP_TOOL'
  | 'ERR_BACKUP_TOO_NEW'

/** A backup or restore that could not go on; nothing was left half done under the real name. */
export class BackupError extends Error {
  readonly code: BackupErrorCode

  constructor(code: BackupErrorCode, message: string) {
    super(message)
    this.code = code
  }
}
