/** Text made safe for XML 1.0: characters XML can't carry are dropped, markup characters escaped. */

// XML 1.0 allows tab, newline, carriage return and most of Unicode; not other control characters,
// lone surrogates (the `u` flag matches them singly) or U+FFFE/U+FFFF. A feed holding one is not XML.
const notXml = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu
const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
}

/** `value` escaped for an XML text node or attribute value. */
export function xmlEscape(value: string): string {
  return value.replace(notXml, '').replace(/[&<>"']/g, (char) => entities[char]!)
}
