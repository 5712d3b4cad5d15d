/**
 * How wide a chart's text will be, without a browser to measure it: a generous estimate per character
 * (system sans-serif faces, Cyrillic included), so a label the estimate says fits is never clipped.
 * Labels that don't fit are wrapped onto a second line, then cut with an ellipsis; the chart's tooltip
 * and the table under it keep them whole.
 */

// Widths in em, a little above those of DejaVu Sans, Arial and Segoe UI, the widest of the usual faces.
const NARROW = new Set([..." ijlI.,:;|!'`іїјґ"])
const SLIM = new Set([...'ftr()[]{}-/"«»тгз'])
const WIDE = new Set([...'mwMWЖШЩЮМжшщюмыЫ—%@'])

function charWidth(char: string): number {
  if (NARROW.has(char)) return 0.34
  if (SLIM.has(char)) return 0.5
  if (WIDE.has(char)) return 1
  if (/\p{Lu}/u.test(char)) return 0.8
  if (/\d/.test(char)) return 0.66
  return 0.66
}

/** The estimated width of `text` in pixels at `fontSize`: never less than a browser draws it. */
export function textWidth(text: string, fontSize: number): number {
  let em = 0
  for (const char of text) em += charWidth(char)
  return em * fontSize
}

/** `text` cut with an ellipsis to fit `width` pixels at `fontSize`. */
export function fitText(text: string, width: number, fontSize: number): string {
  if (textWidth(text, fontSize) <= width) return text
  const chars = [...text]
  let kept = chars.length
  while (kept > 0 && textWidth(`${chars.slice(0, kept).join('').trimEnd()}…`, fontSize) > width) kept--
  return `${chars.slice(0, kept).join('').trimEnd()}…`
}

/**
 * `text` in at most `maxLines` lines of `width` pixels, broken between words; the last line cut with
 * an ellipsis if the rest doesn't fit (a word longer than a line is cut too).
 */
export function wrapText(text: string, width: number, fontSize: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean)
  const lines: string[] = []
  let line = ''
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!
    const candidate = line ? `${line} ${word}` : word
    if (textWidth(candidate, fontSize) <= width || !line) {
      line = candidate
      continue
    }
    if (lines.length === maxLines - 1) {
      line = `${line} ${words.slice(i).join(' ')}`
      break
    }
    lines.push(line)
    line = word
  }
  if (line) lines.push(line)
  return lines.map((each, i) =>
    i === lines.length - 1 || textWidth(each, fontSize) > width ? fitText(each, width, fontSize) : each,
  )
}
