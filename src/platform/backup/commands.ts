/** `lifeline backup` and `lifeline restore`. */
import type { Command } from 'commander'

/** Adds the backup commands to the CLI. */
export function registerBackupCommands(program: Command): void {
  void program
}
