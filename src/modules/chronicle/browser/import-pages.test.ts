/**
 * The import pages in Chromium, with JavaScript off and on: an editor uploads a small CSV (with a BOM,
 * CRLF line ends, a bad date, an unknown type, markup and a formula) with the bundled OVD-Info
 * mapping, reads the dry run's per-row report, imports the valid rows and follows the job to its
 * end. With JavaScript on every page visited also passes axe.
 */
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import {
  axeReview,
  button,
  follow,
  heading,
  jsModes,
  link,
  pathOf,
  slow,
  staffPage,
  text,
} from '../../../../test/support/browser.ts'
import { useServerAndBrowser } from '../../../../test/support/server.ts'
import { settleImports } from '../commands/import/run-job.ts'
import { importJob } from '../jobs/import.ts'

const running = useServerAndBrowser(undefined, { jobs: [importJob] })

/** What an editor uploads: rows 1, 4 and 5 (after the header) are valid, 2 and 3 not. `tag` makes ids unique. */
function csv(tag: string): Buffer {
  const rows = [
    'date,agreement,type,subject,organizator,comment,place,total,id',
    `10.12.2011,согласовано,митинг,За честные выборы,Солидарность,,Болотная площадь,5,${tag}-1`,
    `31.02.2012,не согласовано,пикет,Стратегия-31,,,Триумфальная,2,${tag}-2`,
    `05.03.2012,не согласовано,хоровод,За честные выборы,,,Пушкинская,1,${tag}-3`,
    `06.05.2012,согласовано,марш,"=HYPERLINK(""http://example.org"",""x"")",,<b>жирный</b>,Болотная,30,${tag}-4`,
    `24.12.2011,согласовано,митинг,За честные выборы,Солидарность,"Многострочный\r\nкомментарий",проспект Сахарова,3,${tag}-5`,
  ]
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${rows.join('\r\n')}\r\n`)])
}

const term = (page: Page, name: string) =>
  text(page.locator('main dt', { hasText: new RegExp(`^${name}$`) }).locator('+ dd'))

/** The events imported from the file tagged `tag`. */
const importedRows = (tag: string) =>
  running.server.store.db
    .selectFrom('chronicle_events')
    .select(['external_id', 'summary'])
    .where('external_id', 'like', `${tag}-%`)
    .orderBy('external_id')
    .execute()

/** Waits for the import jobs this server runs, then refreshes the job page as a person would. */
async function finished(page: Page) {
  await settleImports(running.server.store.db)
  const refresh = link(page, 'Reload to see progress')
  if (await refresh.count()) await follow(page, refresh)
  assert.equal(await refresh.count(), 0, 'the job finished')
}

for (const mode of jsModes) {
  test(
    `an editor dry-runs a CSV, reads the problems by row, then imports the valid rows (${mode.label})`,
    slow,
    async () => {
      const tag = mode.javaScriptEnabled ? 'on' : 'off'
      const axe = axeReview(mode)
      const editor = await staffPage(running, ['editor'], axe.options)

      await follow(editor, link(editor, 'Import'))
      assert.equal(pathOf(editor), '/staff/chronicle/import')
      assert.equal(await heading(editor), 'Import events')
      await axe.look(editor, 'import')

      await editor.getByLabel('Mapping (JSON)').fill('{"name": "broken",')
      const refused = await follow(editor, button(editor, 'Save mapping'))
      assert.equal(refused.status(), 400)
      assert.match(await text(editor.locator('main [role="alert"]')), /This is not valid JSON/)
      await axe.look(editor, 'import with a mapping error')

      await editor.getByLabel('Column mapping').selectOption('ovdinfo-moscow-2011-2012')
      await editor
        .getByLabel('File', { exact: true })
        .setInputFiles({ name: `ovdinfo-${tag}.csv`, mimeType: 'text/csv', buffer: csv(tag) })
      await follow(editor, button(editor, 'Dry run'))
      assert.match(pathOf(editor), /^\/staff\/chronicle\/import\/jobs\/[0-9a-f-]{36}$/)
      await finished(editor)
      assert.equal(await heading(editor), 'Dry run')
      assert.equal(
        await text(editor.locator('main [role="status"]').first()),
        'Some rows have problems. Nothing has been written.',
      )
      assert.equal(await term(editor, 'Rows read'), '5')
      assert.equal(await term(editor, 'Valid rows'), '3')
      assert.equal(await term(editor, 'Invalid rows'), '2')
      const problems = editor.getByRole('region', { name: /^Problems by row/ })
      assert.match(
        await text(problems.getByRole('row', { name: /^2 date/ })),
        /not a real date.*31\.02\.2012/,
      )
      assert.match(await text(problems.getByRole('row', { name: /^3 type/ })), /хоровод/)
      const warnings = await text(editor.getByRole('region', { name: /^Warnings by row/ }))
      assert.match(warnings, /=HYPERLINK/)
      assert.match(warnings, /<b>жирный<\/b>/, 'markup is shown as text')
      assert.equal(await editor.locator('main b').count(), 0)
      await axe.look(editor, 'dry run report')

      assert.deepEqual(await importedRows(tag), [], 'a dry run writes nothing')

      await editor.getByRole('checkbox', { name: /^Partial import/ }).check()
      await follow(editor, button(editor, 'Import'))
      await finished(editor)
      assert.equal(await heading(editor), 'Import')
      assert.equal(
        await text(editor.locator('main [role="status"]').first()),
        'Written: 3 new, 0 updated, 0 unchanged.',
      )
      await axe.look(editor, 'import report')
      const imported = await importedRows(tag)
      assert.deepEqual(
        imported.map((row) => row.external_id),
        [`${tag}-1`, `${tag}-4`, `${tag}-5`],
      )
      assert.deepEqual(imported[2]?.summary, { ru: 'Многострочный\nкомментарий' }, 'CRLF inside a cell')

      await follow(editor, link(editor, 'Back to imports'))
      const jobs = editor.getByRole('region', { name: 'The latest import jobs, newest first' })
      const ours = jobs.getByRole('row', { name: new RegExp(`ovdinfo-${tag}\\.csv`) })
      assert.equal(await ours.count(), 2)
      assert.match(await text(ours.first()), /Import\s*Finished\s*5/)
      assert.match(await text(ours.last()), /Dry run\s*Finished\s*5/)
      await axe.look(editor, 'import with jobs')

      // The same dry run can't be imported twice: its page no longer offers it.
      await follow(editor, ours.last().getByRole('link'))
      assert.equal(await button(editor, 'Import').count(), 0)
      await editor.context().close()
      axe.assertNone()
    },
  )
}
