/**
 * A strict little XML reader for tests (no XML parser is installed): throws on anything not
 * well-formed (unclosed or crossed tags, a bare & or <, unquoted or repeated attributes, characters XML
 * forbids; comments, CDATA and processing instructions too, as we never write them) and returns the
 * element tree. Feeds, sitemaps and the SVG charts and map are checked with it.
 */

/** An element: its name, attributes, child elements and text (entities decoded). */
export type XmlElement = { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const name = '[A-Za-z_][\\w.:-]*'
const entity = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g
const forbidden =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding forbidden characters is the point.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

function decode(text: string, where: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) throw new Error(`bare & in ${where}`)
  return text.replace(entity, (_, ref: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
    if (named[ref]) return named[ref]!
    return String.fromCodePoint(ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number(ref.slice(1)))
  })
}

/** Parses `xml`, or throws saying what is wrong. */
export function parseXml(xml: string): XmlElement {
  if (forbidden.test(xml)) throw new Error('a character XML forbids')
  let rest = xml.replace(/^<\?xml[^?]*\?>\s*/, '')
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' }
  const stack = [root]
  const tag = new RegExp(`^<(/?)(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`)
  while (rest.length) {
    const lt = rest.indexOf('<')
    const text = lt === -1 ? rest : rest.slice(0, lt)
    if (text) {
      if (text.includes('>') && /\]\]>/.test(text)) throw new Error(']]> in text')
      stack.at(-1)!.text += decode(text, 'text')
    }
    if (lt === -1) break
    rest = rest.slice(lt)
    const match = tag.exec(rest)
    if (!match) throw new Error(`malformed tag near ${JSON.stringify(rest.slice(0, 40))}`)
    const [whole, closing, tagName, attrText, selfClosing] = match
    rest = rest.slice(whole.length)
    if (closing) {
      const open = stack.pop()
      if (!open || open.name !== tagName || stack.length === 0)
        throw new Error(`</${tagName}> closes ${open?.name}`)
      continue
    }
    const attrs: Record<string, string> = {}
    for (const [, key, double, single] of attrText!.matchAll(
      new RegExp(`(${name})\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'g'),
    )) {
      if (key! in attrs) throw new Error(`attribute ${key} twice`)
      attrs[key!] = decode(double ?? single ?? '', `attribute ${key}`)
    }
    const element: XmlElement = { name: tagName!, attrs, children: [], text: '' }
    stack.at(-1)!.children.push(element)
    if (!selfClosing) stack.push(element)
  }
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> is never closed`)
  if (root.children.length !== 1 || root.text.trim()) throw new Error('not exactly one root element')
  return root.children[0]!
}

/** The child elements of `element` named `name`. */
export function childrenNamed(element: XmlElement, childName: string): XmlElement[] {
  return element.children.filter((child) => child.name === childName)
}

/** Throws, saying what is wrong, unless `xml` is one well-formed element (an SVG we render). */
export function assertWellFormedXml(xml: string): void {
  parseXml(xml)
}
