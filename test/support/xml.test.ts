import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { assertWellFormedXml, parseXml } from './xml.ts'

describe('the XML checker of tests', () => {
  it('refuses malformed XML in the checker itself', () => {
    for (const bad of [
      '<svg><g></svg>',
      '<svg a="1" a="2"/>',
      '<svg>&nbsp;</svg>',
      '<svg><a b=c/></svg>',
      '<svg/><svg/>',
      '<svg>&</svg>',
    ]) {
      assert.throws(() => assertWellFormedXml(bad), bad)
    }
    assertWellFormedXml('<svg a="&amp;&#38;"><title>&lt;ok&gt;</title><g/></svg>')
  })

  it('reads the tree, entities decoded', () => {
    const root = parseXml('<?xml version="1.0"?><feed a="&lt;"><title>&amp;&#x41;</title></feed>')
    assert.equal(root.name, 'feed')
    assert.equal(root.attrs.a, '<')
    assert.equal(root.children[0]?.text, '&A')
  })
})
