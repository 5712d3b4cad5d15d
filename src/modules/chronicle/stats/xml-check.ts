/**
 * A strict well-formedness check of an XML fragment, for tests of the SVG we render (no XML parser is
 * installed): elements nest and close, attributes are quoted and unique, and every `&` starts an
 * entity XML knows. Comments, CDATA and processing instructions are refused, as we never write them.
 */

const name = '[A-Za-z_][\\w.:-]*'
const entity = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/
const tag = new RegExp(`^<(/?)(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`)
const attribute = new RegExp(`(${name})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g')

function checkText(text: string, where: number) {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (!entity.test(text.slice(i))) throw new Error(`bare & at ${where + i}`)
  }
  if (text.includes(']]>')) throw new Error(`]]> at ${where}`)
}

/** Throws, saying where, unless `xml` is one well-formed element. */
export function assertWellFormedXml(xml: string): void {
  const stack: string[] = []
  let i = 0
  let roots = 0
  while (i < xml.length) {
    const lt = xml.indexOf('<', i)
    const text = xml.slice(i, lt < 0 ? xml.length : lt)
    if (text.trim() && stack.length === 0) throw new Error(`text outside the root at ${i}`)
    checkText(text, i)
    if (lt < 0) break
    const match = tag.exec(xml.slice(lt))
    if (!match) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 40)}`)
    const [whole, closing, element, attributes, selfClosing] = match as unknown as string[]
    if (closing) {
      if (attributes || selfClosing) throw new Error(`malformed end tag at ${lt}`)
      if (stack.pop() !== element) throw new Error(`</${element}> does not close the open element at ${lt}`)
    } else {
      const seen = new Set<string>()
      for (const [, attr, double, single] of attributes!.matchAll(attribute)) {
        if (seen.has(attr!)) throw new Error(`attribute ${attr} twice at ${lt}`)
        seen.add(attr!)
        checkText(double ?? single ?? '', lt)
      }
      if (stack.length === 0) roots += 1
      if (!selfClosing) stack.push(element!)
    }
    i = lt + whole!.length
  }
  if (stack.length) throw new Error(`unclosed <${stack.at(-1)}>`)
  if (roots !== 1) throw new Error(`${roots} root elements`)
}
