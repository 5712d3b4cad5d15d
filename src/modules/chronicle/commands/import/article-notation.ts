/**
 * Articles as reports write them: "УК 318 ч.1", "ст. 20.2 ч. 5 КоАП", "318 УК РФ ч. 1 п. а". The
 * vocabulary has a term per article (uk-318) and, for some, per part (koap-20.2.5, extra.part "5");
 * its codes are no guide (uk-275.1 is article 275.1, not a part), so terms are found by their
 * `extra` (code, number, part). A part without its own term is kept beside the article.
 */
import type { Term } from '../../../../platform/vocabularies/terms.ts'

/** An article reference read from text. */
export type ArticleNotation = {
  act: 'УК' | 'КоАП'
  number: string
  part: string | null
  paragraph: string | null
}

const actPattern = /(коап|koap|ук|uk|ук\s*рф)/iu
const numberPattern = /(?:ст\.?|стать[яиеё]|art\.?)?\s*(\d+(?:\.\d+)*)/iu
const partPattern = /(?:ч\.?|част[ьиі]|part)\s*(\d+(?:\.\d+)?)/iu
const paragraphPattern = /(?:п\.?|пункта?|para\.?)\s*[«"']?([\p{L}\d]+)[»"']?/iu

/**
 * Reads "УК 318 ч.1", "ст. 20.2 ч. 5 КоАП РФ", "318 ч. 1 п. «а» УК", and the part first as charge
 * sheets write it ("ч. 1 ст. 20.3.3 КоАП", "часть 2 статьи 207.3 УК РФ"); null when it is none of these.
 */
export function parseArticleNotation(raw: string): ArticleNotation | null {
  const text = raw.replace(/\s+/g, ' ').trim()
  const act = actPattern.exec(text)
  if (!act) return null
  let rest = text.replace(actPattern, ' ').replace(/(^|\s)рф(?=\s|$)/iu, ' ')
  // The part and the paragraph are taken out first, so the article's number is the number left,
  // wherever the writer put it.
  const part = partPattern.exec(rest)
  rest = rest.replace(part?.[0] ?? '', ' ')
  const paragraph = paragraphPattern.exec(rest)
  rest = rest.replace(paragraph?.[0] ?? '', ' ')
  const number = numberPattern.exec(rest)
  if (!number?.[1]) return null
  // Nothing else may be left: "УК 318 и 319" is two articles, not one read wrong.
  if (rest.replace(number[0], ' ').replace(/[\s,.]+/g, '')) return null
  return {
    act: /коап|koap/iu.test(act[1] ?? '') ? 'КоАП' : 'УК',
    number: number[1],
    part: part?.[1] ?? null,
    paragraph: paragraph?.[1] ?? null,
  }
}

/** Finds article terms by act, number and part (null: the article itself). */
export type ArticleFinder = (act: string, number: string, part: string | null) => number | undefined

/** Article terms indexed by their extra's code, number and part. */
export function articleFinder(terms: readonly Term[]): ArticleFinder {
  const index = new Map<string, number>()
  for (const term of terms) {
    if (term.vocabulary !== 'article' || !term.extra) continue
    const { code, number, part } = term.extra
    if (typeof code !== 'string' || number === undefined) continue
    index.set(`${code}|${number}|${part ?? ''}`, term.id)
  }
  return (act, number, part) => index.get(`${act}|${number}|${part ?? ''}`)
}
