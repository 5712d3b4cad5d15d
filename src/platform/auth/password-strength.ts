/**
 * How guessable a new password is, by zxcvbn's estimate (dictionaries of common passwords, names and
 * words, keyboard patterns, dates, repeats, l33t): a password must need about 10^8 guesses or more
 * (score 3), on top of the 12-character minimum. Its dictionaries are English; the e-mail, name and
 * Lifeline's own words are added per check.
 */
import { ZxcvbnFactory } from '@zxcvbn-ts/core'
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common'
import { dictionary as english } from '@zxcvbn-ts/language-en'

let estimator: ZxcvbnFactory | undefined

// Built on first use: the dictionaries take a moment to index.
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({ dictionary: { ...common, ...english }, graphs: adjacencyGraphs })
  return estimator
}

// zxcvbn's matching grows with length; past this many characters what follows only adds strength.
const CHECKED_LENGTH = 64
/** zxcvbn's score 3 means "safely unguessable" against online attacks: 10^8 guesses or more. */
const MIN_SCORE = 3

/** Words every Lifeline password is checked against, beside the member's own e-mail and name. */
const OWN_WORDS = ['lifeline', 'helpdesk', 'chronicle', 'ovdinfo', 'solidarity']

/** Whether `password` is hard enough to guess; `personal` holds the member's e-mail, name and the like. */
export function isStrongPassword(password: string, personal: readonly string[] = []): boolean {
  const inputs = [...OWN_WORDS, ...personal.flatMap((value) => value.toLowerCase().split(/[\s@.+_-]+/))]
  const result = zxcvbn().check(
    password.slice(0, CHECKED_LENGTH),
    inputs.filter((word) => word.length > 2),
  )
  return result.score >= MIN_SCORE
}
