/**
 * `lifeline chronicle vocabularies [name]` and `lifeline chronicle terms [approve|reject ID…]`: the codes
 * a mapping may use, and the review of proposed terms, from the terminal. Whoever runs the command
 * holds the server, so a decision is theirs (the audit log records it as from the command line).
 */
import type { Command } from 'commander'
import { loadEnv } from '../../env.ts'
import type { Db } from '../../platform/db/database.ts'
import type { CliDeps } from '../../platform/module.ts'
import { decideTerm } from '../../platform/vocabularies/commands.ts'
import { listProposed, listTerms } from '../../platform/vocabularies/queries.ts'
import { type Vocabulary, vocabularies } from '../../platform/vocabularies/terms.ts'

// The names people type: "regions", "region", "event-types", "event_type"…
const aliases: Record<string, Vocabulary> = {
  regions: 'region',
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
      'Print a vocabulary’s codes with their Russian, Ukrainian and English names (regions, event_types, articles, act_types), or list the vocabularies.',
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
