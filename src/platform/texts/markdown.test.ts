import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { allowedLink, renderMarkdown } from './markdown.ts'

// Every tag the rendered HTML may hold: what Markdown makes, nothing typed in by hand.
const markdownTags = new Set('p h2 h3 h4 h5 h6 ul ol li strong em a code pre blockquote hr br'.split(' '))

const tagsOf = (rendered: string) => [...rendered.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9]*)/g)].map((m) => m[1]!)
const hrefsOf = (rendered: string) => [...rendered.matchAll(/href="([^"]*)"/g)].map((m) => m[1]!)

describe('markdown of editable texts', () => {
  it('shows raw HTML as text', () => {
    const rendered = renderMarkdown(
      '<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n<a href="javascript:x">a</a>',
    )
    assert.doesNotMatch(rendered, /<script|<img|<a /)
    assert.match(rendered, /&lt;script&gt;/)
  })

  it('links only to http(s), mailto and this site', () => {
    const rendered = renderMarkdown(
      '[a](https://ovd.info) [b](http://x.org) [c](mailto:desk@example.org) [d](/help/rights) [e](#top)',
    )
    assert.deepEqual(hrefsOf(rendered), [
      'https://ovd.info',
      'http://x.org',
      'mailto:desk@example.org',
      '/help/rights',
      '#top',
    ])
    for (const bad of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      'java\tscript:alert(1)',
      '&#106;avascript:alert(1)',
      'vbscript:msgbox(1)',
      'data:text/html,<script>alert(1)</script>',
      'file:///etc/passwd',
      '//evil.example/',
    ]) {
      assert.deepEqual(hrefsOf(renderMarkdown(`[x](${bad})`)), [], bad)
      assert.deepEqual(hrefsOf(renderMarkdown(`[x]: ${bad}\n\n[x]`)), [], `${bad} as a reference`)
    }
  })

  it('keeps a backslash from turning a path into another host', () => {
    // Browsers read `/\host` as `//host`; markdown-it percent-encodes the backslash, so it stays a path.
    for (const href of hrefsOf(renderMarkdown('[x](/\\evil.example/) [y](\\/evil.example/)')))
      assert.doesNotMatch(href, /^[/\\]{2}/, href)
  })

  it('makes no images, and puts headings below the page title', () => {
    assert.doesNotMatch(renderMarkdown('![a](https://tracker.example/p.png)'), /<img/)
    assert.match(renderMarkdown('# Top'), /<h2>Top<\/h2>/)
  })

  it('never lets typed markup through, whatever is typed', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      '[',
      ']',
      '(',
      ')',
      '!',
      '*',
      '#',
      '`',
      '\n',
      ' ',
      ':',
      '/',
      '\\',
      '=',
      'script',
      'javascript:',
      'onerror',
      'img',
      'a href',
      'style',
      'iframe',
      'svg',
      'http://x',
      'mailto:',
      '&#106;',
      '&lt;',
      'data:',
      'x',
    )
    fc.assert(
      fc.property(
        fc.array(pieces, { maxLength: 60 }).map((parts) => parts.join('')),
        (typed) => {
          const rendered = renderMarkdown(typed)
          for (const tag of tagsOf(rendered))
            assert.ok(markdownTags.has(tag), `${tag} from ${JSON.stringify(typed)}`)
          for (const href of hrefsOf(rendered))
            assert.ok(allowedLink(href), `${href} from ${JSON.stringify(typed)}`)
          assert.doesNotMatch(rendered, /<[a-z][^>]*\son[a-z]+=/i)
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('allows a link by its scheme, ignoring what browsers ignore', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('javascript', 'vbscript', 'data', 'file'),
        fc.string({ maxLength: 3 }),
        (scheme, noise) => {
          const spaced = `${noise.replace(/[^\t\n ]/g, '')}${scheme.split('').join('\t')}:x`
          assert.equal(allowedLink(spaced), false, JSON.stringify(spaced))
        },
      ),
    )
  })
})
