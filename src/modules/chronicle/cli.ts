/**
 * `lifeline chronicle …`: the chronicle's terminal commands. Imports run the same command as the
 * staff page, without HTTP: `npm run lifeline -- chronicle import FILE --mapping NAME|PATH`.
 * `chronicle vocabularies [name]` prints the codes a mapping may use, and `chronicle terms` reviews
 * proposed terms; whoever runs the command holds the server, so a decision is theirs (the audit log
 * records it as from the command line).
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import { loadEnv } from '../../env.ts'
import { audit } from '../../platform/audit.ts'
import type { Db, Store } from '../../platform/db/database.ts'
import { translator } from '../../platform/i18n.ts'
import { decideTerm } from '../../platform/vocabularies/commands.ts'
import { listProposed, listTerms } from '../../platform/vocabularies/queries.ts'
import { type Vocabulary, vocabularies } from '../../platform/vocabularies/terms.ts'
import {
  describeProblems,
  type Mapping,
  MappingError,
  parseMappingText,
  saveMapping,
} from './commands/import/mapping.ts'
import { runImport } from './commands/import/run.ts'
import { summaryLines } from './present/import-summary.ts'
import { findMapping, listMappings } from './queries/import-mappings.ts'
import './tables.ts'
import type { CliDeps } from '../../platform/module.ts'

// A path (anything ending in .json, or an existing file) is read; anything else is a saved or bundled name.
async function resolveMapping(store: Store, wanted: string): Promise<Mapping> {
  if (wanted.endsWith('.json') || existsSync(wanted)) return parseMappingText(readFileSync(wanted, 'utf8'))
  const found = await findMapping(store.db, wanted)
  if (!found)
    throw new MappingError([
      {
        path: '--mapping',
        key: 'chronicle.import.mapping.unknown',
        values: { name: JSON.stringify(wanted) },
      },
    ])
  return found
}

// A refusal to explain in one line; thrown so the store still closes on the way out.
class Refusal extends Error {}

function fail(message: string): never {
  throw new Refusal(message)
}

// Runs a command action, printing a refusal instead of a stack trace.
function refusing<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await action(...args)
    } catch (error) {
      if (!(error instanceof Refusal)) throw error
      console.error(error.message)
      process.exitCode = 1
    }
  }
}

/** Adds `chronicle import`, `chronicle mapping list|save`, `chronicle vocabularies` and `chronicle terms` to the `lifeline` command. */
export function registerChronicleCommands(program: Command, deps: CliDeps): void {
  const chronicle = program.command('chronicle').description('The chronicle of repression and resistance.')
  const t = translator('en')
  registerVocabularyCommands(chronicle, deps)

  chronicle
    .command('import')
    .description(
      'Import events from a CSV or NDJSON file through a column mapping. All rows valid or nothing is written, unless --partial.',
    )
    .argument('<file>', 'the file to import')
    .requiredOption('--mapping <name|path>', 'a saved or bundled mapping name, or a mapping JSON file')
    .option('--dry-run', 'check every row and list unknown terms; write nothing')
    .option('--partial', 'write the valid rows even if some are invalid (those are reported)')
    .option(
      '--blank-unknown-terms',
      'a value that maps to no approved term leaves the field empty (its raw value stays in import_raw) instead of refusing the row',
    )
    .action(
      refusing(
        async (
          file: string,
          options: { mapping: string; dryRun?: boolean; partial?: boolean; blankUnknownTerms?: boolean },
        ) => {
          if (!existsSync(file) || !statSync(file).isFile()) fail(`No such file: ${file}`)
          const totalBytes = statSync(file).size
          const exitCode = await deps.withStore(loadEnv(), async (store) => {
            let mapping: Mapping
            try {
              mapping = await resolveMapping(store, options.mapping)
            } catch (error) {
              if (error instanceof MappingError)
                fail(`Mapping: ${describeProblems(t, error.problems).join('; ')}`)
              throw error
            }
            const tty = process.stderr.isTTY
            let shown = -1
            const started = Date.now()
            const report = await runImport(store.db, {
              mapping,
              streamFile: () => createReadStream(file),
              totalBytes,
              dryRun: options.dryRun,
              partial: options.partial,
              blankUnknown: options.blankUnknownTerms,
              onProgress: ({ rows, bytes }) => {
                const percent = totalBytes ? Math.floor((bytes / totalBytes) * 100) : 100
                if (!tty && percent < shown + 10 && percent !== 100) return
                shown = percent
                process.stderr.write(
                  `${tty ? '\r' : ''}${t('chronicle.import.report.progress', { rows, percent })}${tty ? '' : '\n'}`,
                )
              },
            })
            if (tty) process.stderr.write('\n')
            if (report.written)
              await audit(store.db, {
                actorId: null,
                action: 'chronicle.imported',
                target: mapping.externalSource,
                detail: {
                  via: 'cli',
                  mapping: mapping.name,
                  inserted: report.inserted,
                  updated: report.updated,
                  partial: !!options.partial,
                },
              })
            const seconds = (Date.now() - started) / 1000
            console.log(
              `${options.dryRun ? t('chronicle.import.report.dryRunTitle') : t('chronicle.import.report.title')} (${mapping.name}, ${seconds.toFixed(1)} s)`,
            )
            for (const line of summaryLines(t, report)) console.log(line)
            const failed = report.fileError || report.invalid > 0
            return failed && !(report.written && options.partial) ? 1 : 0
          })
          process.exitCode = exitCode
        },
      ),
    )

  const mappings = chronicle.command('mapping').description('Saved import column mappings.')
  mappings
    .command('list')
    .description('List the saved and bundled mappings.')
    .action(async () => {
      await deps.withStore(loadEnv(), async (store) => {
        for (const mapping of await listMappings(store.db))
          console.log(
            `${mapping.name}\t${mapping.format}\t${mapping.externalSource}${mapping.publish ? '\tpublishes' : ''}`,
          )
      })
    })
  mappings
    .command('save')
    .description('Check a mapping JSON file and save it under its name (replacing one of the same name).')
    .argument('<file>', 'the mapping JSON file')
    .action(
      refusing(async (file: string) => {
        let mapping: Mapping
        try {
          mapping = parseMappingText(readFileSync(file, 'utf8'))
        } catch (error) {
          if (error instanceof MappingError)
            fail(`Mapping: ${describeProblems(t, error.problems).join('; ')}`)
          throw error
        }
        await deps.withStore(loadEnv(), async (store) => {
          await saveMapping(store.db, mapping, null)
          await audit(store.db, {
            actorId: null,
            action: 'chronicle.mapping_saved',
            target: mapping.name,
            detail: { via: 'cli' },
          })
        })
        console.log(`Saved mapping ${mapping.name}.`)
      }),
    )
}

// The names people type: "regions", "region", "event-types", "event_type"…
const aliases: Record<string, Vocabulary> = {
  regions: 'region',
  countries: 'country',
  types: 'event_type',
  event_types: 'event_type',
  articles: 'article',
  acts: 'act_type',
  act_types: 'act_type',
}

/** The vocabulary a typed name means, or null. */
export function vocabularyNamed(name: string): Vocabulary | null {
  const wanted = name.trim().toLowerCase().replace(/-/g, '_')
  return (vocabularies as readonly string[]).includes(wanted)
    ? (wanted as Vocabulary)
    : (aliases[wanted] ?? null)
}

/** One line per approved term: code, then its names in Russian, Ukrainian and English, tab-separated. */
export async function vocabularyLines(db: Db, vocabulary: Vocabulary): Promise<string[]> {
  const terms = await listTerms(db, vocabulary, 'en')
  return [...terms]
    .sort((a, b) => a.code.localeCompare(b.code))
    .map((term) => [term.code, term.labels.ru ?? '', term.labels.uk ?? '', term.labels.en ?? ''].join('\t'))
}

/** One line per proposed term: id, vocabulary, code, names and who proposed it. */
export async function proposedLines(db: Db): Promise<string[]> {
  return (await listProposed(db)).map((term) =>
    [
      term.id,
      term.vocabulary,
      term.code,
      term.labels.ru ?? '',
      term.labels.uk ?? '',
      term.labels.en ?? '',
      term.proposerName ?? '',
    ].join('\t'),
  )
}

/** Approves or rejects proposed terms by id; a line per term says what became of it. */
export async function decideTerms(db: Db, ids: number[], decision: 'approve' | 'reject'): Promise<string[]> {
  const lines: string[] = []
  for (const id of ids) {
    try {
      const term = await decideTerm(db, id, decision, { id: null, mayApprove: true })
      lines.push(`${id}\t${term.vocabulary}\t${term.code}\t${term.status}`)
    } catch (error) {
      const code = (error as { code?: string }).code
      if (!code) throw error
      lines.push(`${id}\t${code === 'ERR_TERM_DECIDED' ? 'already decided' : 'no such proposed term'}`)
    }
  }
  return lines
}

const ids = (values: string[]): number[] => {
  const parsed = values.map(Number)
  if (!parsed.length || parsed.some((id) => !Number.isSafeInteger(id) || id < 1)) {
    console.error('Give the ids of proposed terms, as `chronicle terms` lists them.')
    process.exit(1)
  }
  return parsed
}

/** Adds `chronicle vocabularies [name]` and `chronicle terms [approve|reject <id…>]`. */
export function registerVocabularyCommands(chronicle: Command, deps: CliDeps): void {
  chronicle
    .command('vocabularies')
    .description(
      'Print a vocabulary’s codes with their Russian, Ukrainian and English names (regions, countries, event_types, articles, act_types), or list the vocabularies.',
    )
    .argument('[name]', 'the vocabulary')
    .action(async (name?: string) => {
      const vocabulary = name === undefined ? null : vocabularyNamed(name)
      if (name !== undefined && !vocabulary) {
        console.error(`No vocabulary ${JSON.stringify(name)}: one of ${vocabularies.join(', ')}.`)
        process.exitCode = 1
        return
      }
      await deps.withStore(loadEnv(), async (store) => {
        if (vocabulary) for (const line of await vocabularyLines(store.db, vocabulary)) console.log(line)
        else
          for (const each of vocabularies)
            console.log(`${each}\t${(await vocabularyLines(store.db, each)).length}`)
      })
    })

  const terms = chronicle
    .command('terms')
    .description(
      'List the proposed vocabulary terms waiting for a decision (id, vocabulary, code, names, proposer).',
    )
    .action(async () => {
      await deps.withStore(loadEnv(), async (store) => {
        const lines = await proposedLines(store.db)
        for (const line of lines) console.log(line)
        if (!lines.length) console.log('No proposed terms.')
      })
    })
  for (const decision of ['approve', 'reject'] as const)
    terms
      .command(decision)
      .description(`${decision === 'approve' ? 'Approve' : 'Reject'} proposed terms by id.`)
      .argument('<ids...>', 'ids as `chronicle terms` lists them')
      .action(async (values: string[]) => {
        const wanted = ids(values)
        await deps.withStore(loadEnv(), async (store) => {
          for (const line of await decideTerms(store.db, wanted, decision)) console.log(line)
        })
      })
}
