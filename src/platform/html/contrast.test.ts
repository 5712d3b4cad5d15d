/**
 * The palette in public/style.css meets WCAG 2.1 AA in both schemes: 4.5:1 for every pair of text
 * and its background the stylesheet uses, 3:1 for borders that show a control's edge and for the
 * focus ring. Read from the stylesheet itself, so a colour changed there is checked here.
 */
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import Color from 'colorjs.io'

const css = readFileSync(new URL('../../../public/style.css', import.meta.url), 'utf8')

// The custom properties declared in the first `:root { … }` after `from` in the stylesheet.
function palette(from: number): Record<string, string> {
  const start = css.indexOf(':root {', from)
  const block = css.slice(start, css.indexOf('}', start))
  return Object.fromEntries(
    [...block.matchAll(/--([a-z-]+):\s*(#[0-9a-f]{3,8})\s*;/gi)].map((m) => [m[1]!, m[2]!]),
  )
}

const light = palette(0)
const dark = { ...light, ...palette(css.indexOf('@media (prefers-color-scheme: dark)')) }

// [text, background] pairs as the stylesheet uses them.
const textPairs = [
  ['ink', 'paper'],
  ['ink', 'surface'],
  ['ink', 'accent-soft'],
  ['ink', 'warn-soft'],
  ['muted', 'paper'],
  ['muted', 'surface'],
  ['accent', 'paper'],
  ['accent', 'surface'],
  ['accent', 'accent-soft'],
  ['accent-ink', 'accent'],
  ['paper', 'danger'],
  ['danger', 'paper'],
  ['danger', 'danger-soft'],
  ['ok', 'paper'],
  ['ok', 'ok-soft'],
  ['warn', 'paper'],
  ['warn', 'warn-soft'],
  ['info', 'paper'],
  ['info', 'info-soft'],
] as const

function contrast(scheme: Record<string, string>, a: string, b: string): number {
  const [fore, back] = [scheme[a], scheme[b]]
  assert.ok(fore && back, `--${a} and --${b} are declared`)
  return new Color(fore).contrast(new Color(back), 'WCAG21')
}

describe('the palette', () => {
  for (const [name, scheme] of [
    ['light', light],
    ['dark', dark],
  ] as const) {
    it(`meets AA for text in the ${name} scheme`, () => {
      const failing = textPairs
        .map(([text, background]) => ({ text, background, ratio: contrast(scheme, text, background) }))
        .filter((pair) => pair.ratio < 4.5)
        .map((pair) => `--${pair.text} on --${pair.background}: ${pair.ratio.toFixed(2)}:1`)
      assert.deepEqual(failing, [])
    })

    it(`shows control edges and focus at 3:1 in the ${name} scheme`, () => {
      assert.ok(contrast(scheme, 'line-strong', 'paper') >= 3, 'input borders')
      // The focus ring is a yellow outline around a dark one: one of the two always stands out.
      const ring = Math.max(contrast(scheme, 'focus', 'paper'), contrast(scheme, 'focus-ink', 'paper'))
      assert.ok(ring >= 3, 'focus ring')
    })
  }

  it('is read from the stylesheet, dark overriding light', () => {
    assert.ok(Object.keys(light).length >= 15)
    assert.notEqual(dark.ink, light.ink)
  })
})
