/**
 * The help desk's guides on paper: each prints on exactly one A4 sheet in Russian, Ukrainian and
 * English (public/style.css, print rules for `article.guide`), as seeded and with a body of about 3,500
 * characters, the length the printed guide is written to. Chromium makes the PDF; pages are counted
 * from its page objects.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { jsModes, newPage, slow, visit } from '../../../../test/support/browser.ts'
import { createStaff } from '../../../../test/support/factories.ts'
import { useServerAndBrowser } from '../../../../test/support/server.ts'
import { locales } from '../../../platform/i18n.ts'
import { saveText } from '../../../platform/texts/save-text.ts'
import { findText, textRecord } from '../../../platform/texts/texts.ts'
import { deskTextKey, guideNames } from '../queries/guides.ts'

const running = useServerAndBrowser()

// A PDF's pages are its `/Type /Page` objects (`/Type /Pages` is the tree that holds them).
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0
}

async function printedPages(path: string, language: string): Promise<number> {
  // JavaScript off: the guide is read (and printed) from Tor Browser at its safest too.
  const page = await newPage(running.browser, jsModes[0])
  try {
    const response = await visit(page, `${running.server.url}${path}?lang=${language}`)
    assert.equal(response.status(), 200, `${path} in ${language}`)
    return pageCount(await page.pdf({ format: 'A4' }))
  } finally {
    await page.context().close()
  }
}

// A body of `length` characters shaped like a real guide: headed sections of short list items.
function longBody(seed: string, length: number): string {
  const parts: string[] = []
  for (let section = 1; parts.join('\n\n').length < length; section++) {
    parts.push(`## ${section}. ${seed.slice(0, 40)}`)
    parts.push(
      Array.from({ length: 4 }, (_, i) => `- ${seed.slice(i * 30, i * 30 + 110).replace(/\s+/g, ' ')}`).join(
        '\n',
      ),
    )
  }
  return parts.join('\n\n').slice(0, length)
}

describe('the guides in print', () => {
  test('each prints on one A4 page in every language, as seeded', slow, async () => {
    for (const name of guideNames)
      for (const language of locales)
        assert.equal(await printedPages(`/help/${name}`, language), 1, `${name} in ${language}`)
  })

  test('each still prints on one page with a body of about 3,500 characters', slow, async () => {
    const db = running.server.store.db
    const editor = await createStaff(db, { roles: ['coordinator'] })
    for (const name of guideNames) {
      const text = (await findText(db, deskTextKey(name)))!
      const record = textRecord(text)
      for (const language of locales) {
        const body = longBody(`${record[`body_${language}`].replace(/[#*\-\d.]/g, ' ')} `.repeat(8), 3_500)
        record[`body_${language}`] = body
      }
      const saved = await saveText(db, {
        key: text.key,
        baseVersion: text.version,
        record,
        actorId: editor.id,
      })
      assert.equal(saved.outcome, 'saved')
      for (const language of locales)
        assert.equal(
          await printedPages(`/help/${name}`, language),
          1,
          `${name} in ${language}, 3,500 characters`,
        )
    }
  })
})
