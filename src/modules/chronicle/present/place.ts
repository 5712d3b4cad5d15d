/** An event's place as one line of words ("Пермь, Пермский край"), said once. */

// Case, spacing and punctuation aside, so "Москва" and "москва " are the same place.
const normalised = (part: string) =>
  part
    .toLocaleLowerCase()
    .replace(/[\s.,;:()«»"']+/gu, ' ')
    .trim()

/**
 * The non-empty `parts` joined by ", ", each said once: a locality that is its region's own name
 * (Moscow in Moscow, a federal city) gives "Москва", never "Москва, Москва".
 */
export function placeLine(parts: readonly (string | null | undefined)[]): string {
  const seen = new Set<string>()
  const kept: string[] = []
  for (const part of parts) {
    const text = part?.trim()
    if (!text) continue
    const key = normalised(text)
    if (!key || seen.has(key)) continue
    seen.add(key)
    kept.push(text)
  }
  return kept.join(', ')
}
