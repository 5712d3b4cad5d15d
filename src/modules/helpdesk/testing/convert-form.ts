/** What the help desk's tests read off the conversion page: its form's fields as a browser would send them. */

const decode = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#x27;/g, "'")
    .replace(/&amp;/g, '&')

const attribute = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1]

/**
 * The fields of the first form on `page` posting to an action ending in `/convert`, as sent: inputs
 * (checkboxes and radios only when checked), textareas and the chosen option of each select (else its
 * first); the
 * CSRF field left out (the agent adds its own).
 */
export function convertFormValues(page: string): Record<string, string> {
  const start = page.search(/<form[^>]*action="[^"]*\/convert"/)
  if (start < 0) throw new Error('the page has no conversion form')
  const form = page.slice(start, page.indexOf('</form>', start))
  const values: Record<string, string> = {}
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const name = attribute(tag, 'name')
    const type = attribute(tag, 'type') ?? 'text'
    if (!name || name === '_csrf') continue
    if ((type === 'checkbox' || type === 'radio') && !/\schecked\b/.test(tag)) continue
    values[name] = decode(attribute(tag, 'value') ?? (type === 'checkbox' ? 'on' : ''))
  }
  for (const match of form.matchAll(/<textarea\b([^>]*)>([^<]*)<\/textarea>/g)) {
    const name = attribute(match[1]!, 'name')
    if (name) values[name] = decode(match[2]!)
  }
  for (const match of form.matchAll(/<select\b([^>]*)>([\s\S]*?)<\/select>/g)) {
    const name = attribute(match[1]!, 'name')
    // No option chosen: a browser sends the first.
    const chosen = (/<option\b[^>]*\sselected\b[^>]*>/.exec(match[2]!) ??
      /<option\b[^>]*>/.exec(match[2]!))?.[0]
    if (name) values[name] = decode(chosen ? (attribute(chosen, 'value') ?? '') : '')
  }
  return values
}
