/**
 * The chronicle's staff pages in Chromium, as editors and a coordinator use them, with JavaScript off
 * and on: create an event with its source, edit it, meet another editor's newer save, read the history,
 * verify with two reviewers, publish and unpublish; propose, approve and reject a vocabulary term.
 * With JavaScript on every page visited also passes axe.
 */
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Page } from 'playwright-core'
import {
  axeReview,
  button,
  follow,
  heading,
  jsModes,
  link,
  newPage,
  pathOf,
  slow,
  staffPage,
  text,
  visit,
} from '../../../../test/support/browser.ts'
import { useServerAndBrowser } from '../../../../test/support/server.ts'
import { SECOND_VERIFICATION_SETTING } from '../queries/reviews.ts'

const running = useServerAndBrowser()

const notice = (page: Page) => text(page.locator('main .notice'))
const alert = (page: Page) => text(page.locator('main [role="alert"]'))
const field = (page: Page, label: string) => page.getByLabel(label, { exact: true })
// The title and summary are asked once per language, each pair in its own fieldset.
const inLanguage = (page: Page, legend: string, label: string) =>
  page.getByRole('group', { name: legend, exact: true }).getByLabel(label, { exact: true })

async function requireSecondVerification() {
  await running.server.store.db
    .insertInto('settings')
    .values({ key: SECOND_VERIFICATION_SETTING, value: 'true' })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: 'true' }))
    .execute()
}

for (const mode of jsModes) {
  describe(`the chronicle's staff pages, ${mode.label}`, () => {
    const suffix = mode.javaScriptEnabled ? 'on' : 'off'
    const title = `Picketers detained in Tula (${suffix})`
    const axe = axeReview(mode)
    let editor: Page
    let coordinator: Page
    let eventPath = ''

    test(
      'an editor creates an event with its source, after the form explains what is missing',
      slow,
      async () => {
        editor = await staffPage(running, ['editor'], axe.options)
        coordinator = await staffPage(running, ['coordinator'], axe.options)

        await follow(editor, link(editor, 'Events'))
        assert.equal(pathOf(editor), '/staff/chronicle')
        await axe.look(editor, 'staff list')
        await follow(editor, link(editor, 'New event'))
        assert.equal(await heading(editor), 'New event')
        await axe.look(editor, 'new event')

        const refused = await follow(editor, button(editor, 'Create event'))
        assert.equal(refused.status(), 400)
        assert.match(await alert(editor), /Give a title in at least one language/)
        assert.match(await alert(editor), /Choose the type of event/)
        await axe.look(editor, 'new event with errors')

        await inLanguage(editor, 'In English', 'Title').fill(title)
        await inLanguage(editor, 'In English', 'Summary').fill('Police detained three people at a picket.')
        await inLanguage(editor, 'In Russian', 'Title').fill('В Туле задержали участников пикета')
        await field(editor, 'Type').selectOption({ label: 'Picket' })
        await editor.getByRole('group', { name: 'Start date' }).getByLabel('Date').fill('2024-02-10')
        await field(editor, 'Region').selectOption({ label: 'Tula Oblast' })
        await field(editor, 'Locality').fill('Тула')
        await field(editor, 'Detained').fill('3')
        const source = editor.getByRole('group', { name: 'Source', exact: true })
        await source.getByLabel('Link').fill('https://ovd.info/news/tula-picket')
        await source.getByLabel('Publisher').fill('ОВД-Инфо')
        await source.getByLabel('Reliability').selectOption({ label: 'high reliability' })
        await follow(editor, button(editor, 'Create event'))
        assert.match(pathOf(editor), /^\/staff\/chronicle\/events\/\d+$/)
        eventPath = pathOf(editor)
        assert.equal(await heading(editor), title)
        assert.equal(await notice(editor), 'The event was created.')
        assert.match(
          await text(editor.locator('#sources + ul')),
          /ОВД-Инфо · https:\/\/ovd\.info\/news\/tula-picket/,
        )
        await axe.look(editor, 'event')

        await follow(editor, link(editor, 'All events'))
        await field(editor, 'Search').fill('Tula')
        await follow(editor, button(editor, 'Show'))
        assert.equal(await editor.getByRole('link', { name: title }).count(), 1)
        await axe.look(editor, 'staff list, searched')
        const broken = await visit(editor, `${running.server.url}/staff/chronicle?before=x&status=nope`)
        assert.equal(broken.status(), 400)
        assert.match(await alert(editor), /The link to older events is broken/)
        await axe.look(editor, 'staff list with errors')
        axe.assertNone()
      },
    )

    test('sources are added and removed through their own small forms', slow, async () => {
      assert.ok(eventPath, 'the event was created')
      await visit(editor, `${running.server.url}${eventPath}`)
      const refused = await follow(editor, button(editor, 'Add source'))
      assert.equal(refused.status(), 400)
      assert.match(await alert(editor), /Give a link or a description of the source/)
      await axe.look(editor, 'event with a source error')
      await field(editor, 'Description').fill('A call to the hotline')
      await follow(editor, button(editor, 'Add source'))
      assert.equal(await notice(editor), 'The source was added.')
      assert.equal(await editor.locator('#sources + ul > li').count(), 2)
      await follow(editor, button(editor, 'Remove').last())
      assert.equal(await notice(editor), 'The source was removed.')
      assert.equal(await editor.locator('#sources + ul > li').count(), 1)
      assert.equal(await button(editor, 'Remove').count(), 0, 'the last source can not be removed')
      axe.assertNone()
    })

    test(
      'a save over another editor’s newer version is stopped with what changed, then re-applied',
      slow,
      async () => {
        assert.ok(eventPath, 'the event was created')
        const url = `${running.server.url}${eventPath}`
        await visit(editor, url)
        await visit(coordinator, url)

        await field(editor, 'Detained').fill('5')
        await follow(editor, button(editor, 'Save changes'))
        assert.equal(await notice(editor), 'Your changes were saved.')

        await field(coordinator, 'Locality').fill('Тула, Ленинский район')
        const conflict = await follow(coordinator, button(coordinator, 'Save changes'))
        assert.equal(conflict.status(), 409)
        assert.equal(await heading(coordinator), 'Someone saved a newer version')
        const detained = coordinator.getByRole('row', { name: /^Detained/ })
        // Then, now, what the coordinator typed, and who changed it.
        const [then, now, theirs, by] = await detained.getByRole('cell').allTextContents()
        assert.deepEqual([then, now, theirs], ['3', '5', '3'])
        assert.match(by ?? '', /^Staff \d+$/)
        await axe.look(coordinator, 'conflict')

        // The coordinator keeps the editor's count and their own locality.
        await field(coordinator, 'Detained').fill('5')
        await follow(coordinator, button(coordinator, 'Save my values over the newer version'))
        assert.equal(pathOf(coordinator), eventPath)
        assert.equal(await notice(coordinator), 'Your changes were saved.')
        assert.equal(await field(coordinator, 'Locality').inputValue(), 'Тула, Ленинский район')
        assert.equal(await field(coordinator, 'Detained').inputValue(), '5')
        axe.assertNone()
      },
    )

    test('the history lists every version, and two versions are compared', slow, async () => {
      assert.ok(eventPath, 'the event was created')
      await visit(editor, `${running.server.url}${eventPath}`)
      await follow(editor, link(editor, 'History'))
      assert.equal(await heading(editor), `History: ${title}`)
      assert.match(await text(editor.locator('main caption')), /changes, newest first/)
      await axe.look(editor, 'history')

      await field(editor, 'Compare version').selectOption('1')
      await field(editor, 'with version').selectOption({ index: 0 })
      await follow(editor, button(editor, 'Compare'))
      assert.match(await heading(editor), /^Versions 1 and \d+$/)
      const cells = async (name: RegExp) =>
        editor.getByRole('row', { name }).getByRole('cell').allTextContents()
      assert.deepEqual(await cells(/^Detained/), ['3', '5'])
      assert.deepEqual(await cells(/^Locality/), ['Тула', 'Тула, Ленинский район'])
      await axe.look(editor, 'compare')
      await follow(editor, link(editor, 'History'))
      await follow(editor, link(editor, 'Compare with the previous version').first())
      assert.match(await heading(editor), /^Versions \d+ and \d+$/)
      axe.assertNone()
    })

    test('publishing waits for a second reviewer; unpublishing asks first', slow, async () => {
      assert.ok(eventPath, 'the event was created')
      const { server, browser } = running
      await requireSecondVerification()
      const url = `${server.url}${eventPath}`
      const publicUrl = `${server.url}${eventPath.replace('/staff/chronicle', '/chronicle')}`
      await visit(editor, url)
      assert.equal(await button(editor, 'Publish').count(), 0, 'an event only reported is not published')
      await follow(editor, button(editor, 'Verify'))
      assert.equal(await notice(editor), 'Your verification was recorded.')
      assert.equal(await button(editor, 'Publish').count(), 0)
      assert.match(
        await text(editor.locator('#review ~ .hint').last()),
        /verifications by two different reviewers/,
      )

      const second = await staffPage(running, ['editor'], axe.options)
      await visit(second, url)
      await follow(second, button(second, 'Verify'))
      assert.equal(await second.locator('#review ~ ul > li').count(), 2, 'both verifications are listed')
      await follow(second, button(second, 'Publish'))
      assert.equal(await notice(second), 'The event is published.')
      await axe.look(second, 'published event')

      const reader = await newPage(browser, { javaScriptEnabled: mode.javaScriptEnabled })
      assert.equal((await visit(reader, publicUrl)).status(), 200)

      await follow(second, link(second, 'Unpublish…'))
      assert.equal(await heading(second), `Unpublish “${title}”?`)
      await axe.look(second, 'unpublish confirmation')
      await follow(second, button(second, 'Unpublish'))
      assert.equal(await notice(second), 'The event is no longer public.')
      assert.equal((await visit(reader, publicUrl)).status(), 404)
      await reader.context().close()
      await second.context().close()
      axe.assertNone()
    })

    test('a coordinator proposes terms; an editor approves one and rejects the other', slow, async () => {
      const code = `hunger_strike_${suffix}`
      await follow(coordinator, link(coordinator, 'Vocabularies'))
      assert.equal(await heading(coordinator), 'Chronicle vocabularies')
      await axe.look(coordinator, 'vocabularies')
      const refused = await follow(coordinator, button(coordinator, 'Propose the term'))
      assert.equal(refused.status(), 400)
      assert.match(await alert(coordinator), /Code: This field is required/)
      await axe.look(coordinator, 'vocabularies with errors')

      const propose = async (termCode: string, english: string) => {
        await field(coordinator, 'Vocabulary').selectOption({ label: 'Event types' })
        await field(coordinator, 'Code').fill(termCode)
        await field(coordinator, 'Label in Russian').fill('Голодовка')
        await field(coordinator, 'Label in Ukrainian').fill('Голодування')
        await field(coordinator, 'Label in English').fill(english)
        await follow(coordinator, button(coordinator, 'Propose the term'))
        assert.match(await notice(coordinator), /The term was proposed/)
      }
      await propose(code, `Hunger strike (${suffix})`)
      await propose(`${code}_dup`, `Hunger strike again (${suffix})`)
      assert.equal(await coordinator.getByRole('row', { name: new RegExp(code) }).count(), 2)
      assert.equal(await button(coordinator, `Approve ${code}`).count(), 0, 'a coordinator does not decide')

      await visit(editor, `${running.server.url}/staff/chronicle/vocabularies`)
      await follow(editor, button(editor, `Approve ${code}`))
      assert.equal(await notice(editor), 'The term was approved and can be used now.')
      await follow(editor, link(editor, `Reject ${code}_dup`))
      assert.match(await heading(editor), /^Reject “Hunger strike again/)
      await axe.look(editor, 'reject confirmation')
      await follow(editor, button(editor, 'Reject the term'))
      assert.equal(await notice(editor), 'The term was rejected.')
      assert.equal(await text(editor.locator('#queue + p')), 'No term is waiting for review.')
      assert.equal(await editor.getByRole('row', { name: new RegExp(`${code}_dup`) }).count(), 0)

      await visit(editor, `${running.server.url}/staff/chronicle/events/new`)
      const types = await field(editor, 'Type').locator('option').allTextContents()
      assert.ok(types.includes(`Hunger strike (${suffix})`), 'the approved term can be chosen')
      assert.ok(!types.includes(`Hunger strike again (${suffix})`), 'the rejected one can not')
      await editor.context().close()
      await coordinator.context().close()
      axe.assertNone()
    })
  })
}
