import assert from 'node:assert/strict'
import { test } from 'node:test'
import { z } from 'zod'
import { translator } from './i18n.ts'
import { issueMessage, parseForm, text } from './validation.ts'

const oneLine = z.object({ name: text(20) })
const multiLine = z.object({ summary: text(200, { multiline: true }) })

test('text(): line endings become LF in multi-line text, a lone CR as well as CRLF', () => {
  assert.deepEqual(parseForm(multiLine, { summary: 'one\r\ntwo\rthree\nfour\r\r' }), {
    ok: true,
    data: { summary: 'one\ntwo\nthree\nfour' },
  })
  for (const name of ['one\rtwo', 'one\r\ntwo', 'one\ntwo'])
    assert.deepEqual(parseForm(oneLine, { name }), {
      ok: false,
      errors: { name: 'validation.badCharacters' },
    })
})

test('text(): a byte order mark is dropped wherever it is, and does not count towards the length', () => {
  assert.deepEqual(parseForm(oneLine, { name: '\uFEFFТула\uFEFF, 28\uFEFF' }), {
    ok: true,
    data: { name: 'Тула, 28' },
  })
  assert.deepEqual(parseForm(oneLine, { name: `${'\uFEFF'.repeat(30)}short` }), {
    ok: true,
    data: { name: 'short' },
  })
  assert.deepEqual(parseForm(multiLine, { summary: 'a\uFEFF\r\n\uFEFFb' }), {
    ok: true,
    data: { summary: 'a\nb' },
  })
})

test('text(): bidirectional embeddings, overrides and isolates are refused with their own message', () => {
  const controls = ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']
  for (const control of controls) {
    const name = `file${control}gpj.exe`
    assert.deepEqual(
      parseForm(oneLine, { name }),
      { ok: false, errors: { name: 'validation.bidiControls' } },
      `U+${control.codePointAt(0)!.toString(16)}`,
    )
    assert.deepEqual(parseForm(multiLine, { summary: `line\n${control}` }), {
      ok: false,
      errors: { summary: 'validation.bidiControls' },
    })
  }
  // Right-to-left text and the invisible marks it legitimately uses (LRM, RLM, ALM) are kept.
  for (const name of ['שלום עולם', 'مرحبا\u200F', 'a\u200Eb\u061Cc'])
    assert.deepEqual(parseForm(oneLine, { name }), { ok: true, data: { name } })
  for (const locale of ['ru', 'uk', 'en'] as const)
    assert.notEqual(translator(locale)('validation.bidiControls'), 'validation.bidiControls', locale)
})

test("issueMessage: a schema's own key as it is; zod's codes as keys with their limits", () => {
  const schema = z
    .object({
      key: z.string().max(5, 'validation.tooLong'),
      short: z.string().max(3),
      long: z.string().min(4),
      filled: z.string().min(1),
      list: z.array(z.string()).max(1),
      number: z.number().max(10),
      below: z.number().lt(5),
      few: z.array(z.string()).min(2),
      flag: z.boolean(),
      kind: z.enum(['csv', 'ndjson']),
      link: z.url(),
      day: z.iso.date(),
      code: z.string().regex(/^\d+$/),
      missing: z.string(),
    })
    .strict()
  const result = schema.safeParse(
    {
      key: 'toolong',
      short: 'abcd',
      long: 'abc',
      filled: '',
      list: ['a', 'b'],
      number: 11,
      below: 5,
      few: ['a'],
      flag: 'yes',
      kind: 'xml',
      link: 'nope',
      day: '2024-13-01',
      code: 'x',
      extra: 1,
      other: 2,
    },
    { reportInput: true },
  )
  assert.ok(!result.success)
  const messages = Object.fromEntries(
    result.error.issues.map((issue) => [issue.path.join('.') || '(object)', issueMessage(issue)]),
  )
  assert.deepEqual(messages, {
    key: { key: 'validation.tooLong' },
    short: { key: 'validation.maxLength', values: { count: 3 } },
    long: { key: 'validation.minLength', values: { count: 4 } },
    filled: { key: 'validation.required' },
    list: { key: 'validation.maxItems', values: { count: 1 } },
    number: { key: 'validation.maximum', values: { limit: 10 } },
    below: { key: 'validation.below', values: { limit: 5 } },
    few: { key: 'validation.minItems', values: { count: 2 } },
    flag: { key: 'validation.expectedBoolean' },
    kind: { key: 'validation.oneOf', values: { values: 'csv, ndjson' } },
    link: { key: 'validation.url' },
    day: { key: 'validation.date' },
    code: { key: 'validation.format' },
    missing: { key: 'validation.required' },
    '(object)': { key: 'validation.unknownKeys', values: { count: 2, keys: 'extra, other' } },
  })
  const ru = translator('ru')
  assert.equal(ru('validation.maxLength', { count: 100 }), 'Не больше 100 символов.')
  assert.equal(ru('validation.maxLength', { count: 1 }), 'Не больше 1 символа.')
  assert.equal(
    ru('validation.unknownKeys', { count: 2, keys: 'extra, other' }),
    'Неизвестные ключи: extra, other.',
  )
})
