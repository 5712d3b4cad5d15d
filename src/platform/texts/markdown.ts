/**
 * Markdown as staff write it in editable texts, made into HTML with markdown-it: CommonMark with raw
 * HTML off (every `<` typed is shown as text), links only to http(s), mailto and addresses on this site,
 * and no images (an image from another host would tell it who reads the page, and when).
 */
import MarkdownIt from 'markdown-it'

// A scheme is letters, digits, `+`, `-` or `.` before the first `:`; an address without one is relative.
const scheme = /^([a-z][a-z0-9+.-]*):/i
const allowedSchemes = new Set(['http', 'https', 'mailto'])

/** Whether a link may point at `url`: http(s), mailto, or relative (`/help`, `#part`, `page`). */
export function allowedLink(url: string): boolean {
  // Browsers drop tabs and newlines inside a URL and ignore leading spaces and controls: `java\tscript:`.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping what browsers strip is the point.
  const plain = url.replace(/[\u0000-\u0020\u007F]/g, '')
  const found = scheme.exec(plain)
  if (found) return allowedSchemes.has(found[1]!.toLowerCase())
  // `//host/…` leaves the site while looking relative; a backslash is read as a slash by browsers.
  return !/^[/\\]{2}/.test(plain)
}

const md = new MarkdownIt('commonmark', { html: false, linkify: false })
md.disable('image')
md.validateLink = allowedLink

// The page's own title is its one h1: the body's headings start one level below it.
md.core.ruler.push('lower_headings', (state) => {
  for (const token of state.tokens) {
    if (token.type === 'heading_open' || token.type === 'heading_close')
      token.tag = `h${Math.min(6, Number(token.tag.slice(1)) + 1)}`
  }
})

/** The HTML of `markdown` (see above); everything not Markdown is escaped. */
export function renderMarkdown(markdown: string): string {
  return md.render(markdown)
}
