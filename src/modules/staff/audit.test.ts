import assert from 'node:assert/strict'
import { globSync, readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { type TestApp, testApp } from '../../../test/support/app.ts'
import { createStaff, signIn } from '../../../test/support/factories.ts'
import { audit } from '../../platform/audit.ts'
import { catalogues, locales } from '../../platform/i18n.ts'

const root = fileURLToPath(new URL('../../../', import.meta.url))
const actionName = /^[a-z_]+(?:\.[a-z_]+)*$/

/**
 * Every audit action the code can write, with the file writing it: the literals given as `action:` or
 * `missesAction:` (both arms of a conditional, the arms of `prefix.${… ? 'a' : 'b'}`, the members of a
 * union type) and the names given to windowedAudit. A literal a conditional compares (`x === 'y' ?`) is
 * not an action.
 */
function auditActions(): Map<string, string> {
  const found = new Map<string, string>()
  for (const file of globSync('src/**/*.ts', { cwd: root })) {
    if (file.endsWith('.test.ts') || file.includes('/testing/')) continue
    const text = readFileSync(`${root}${file}`, 'utf8')
    for (const [, rest] of text.matchAll(/\b(?:action|missesAction)\??:\s*([^\n]*)/g)) {
      let line = rest!
      for (const [whole, prefix, inner] of line.matchAll(/`([a-z_.]+)\$\{([^}]*)\}`/g)) {
        for (const [, tail] of inner!.matchAll(/[?:]\s*'([a-z_]+)'/g)) found.set(prefix! + tail!, file)
        line = line.replace(whole!, '')
      }
      for (const match of line.matchAll(/'([^'\\]*)'/g)) {
        const compared = /^\s*\?/.test(line.slice(match.index + match[0].length))
        if (!compared && actionName.test(match[1]!)) found.set(match[1]!, file)
      }
    }
    for (const [, literal] of text.matchAll(/windowedAudit\(\w+,\s*'([^']+)'/g)) found.set(literal!, file)
  }
  return found
}

function message(locale: (typeof locales)[number], key: string): unknown {
  let node: unknown = catalogues[locale]
  for (const part of key.split('.')) node = (node as Record<string, unknown> | undefined)?.[part]
  return node
}

describe('audit actions', () => {
  const actions = auditActions()

  it('are all found by the scan, whatever way the code names them', () => {
    for (const action of [
      'signout',
      'signin.delayed',
      'signin.device_distrusted',
      'helpdesk.reply',
      'helpdesk.note',
      'helpdesk.receipt_misses',
      'chronicle.source.added',
      'desk.rotation_stopped',
      'role.changed',
    ])
      assert.ok(actions.has(action), action)
    for (const notAction of ['device', 'finished', 'approve', 'setup'])
      assert.ok(!actions.has(notAction), notAction)
  })

  it('each have a label in every language, from the module that writes them', () => {
    const missing = [...actions].flatMap(([action, file]) =>
      locales
        .filter((locale) => typeof message(locale, `audit.actions.${action}`) !== 'string')
        .map((locale) => `${action} (${file}) in ${locale}`),
    )
    assert.deepEqual(missing, [])
  })
})

describe('the audit log page', () => {
  let t: TestApp
  before(async () => {
    t = await testApp()
  })
  after(() => t.close())

  it('shows actions and details in words in the page’s language, never codes or JSON', async () => {
    const admin = await createStaff(t.store.db, { roles: ['admin'] })
    const lawyer = await createStaff(t.store.db, { roles: ['lawyer'] })
    const db = t.store.db
    await audit(db, {
      actorId: admin.id,
      action: 'role.changed',
      target: lawyer.id,
      detail: { from: ['lawyer'], to: ['editor', 'lawyer'] },
    })
    await audit(db, {
      actorId: admin.id,
      action: 'helpdesk.status',
      target: lawyer.id,
      detail: { from: 'new', to: 'closed', outcome: 'helped' },
    })
    await audit(db, {
      actorId: admin.id,
      action: 'sealed.read_many',
      target: 'helpdesk.report:0b6ad5f2-8e0f-4a4c-9d7b-3f1e2a6c9d10',
      detail: { records: 3 },
    })
    await audit(db, {
      actorId: null,
      action: 'helpdesk.desk_changed',
      detail: { takesRest: true, retentionDays: 90 },
    })
    const browser = await signIn(t.app, admin)
    browser.cookies.set('lifeline_lang', 'ru')
    const page = await browser.get('/staff/audit')
    assert.equal(page.statusCode, 200)
    const table = page.body.slice(page.body.indexOf('<table'))
    assert.match(table, /<td>Роли изменены<\/td>/)
    assert.match(table, /<li>Было: Юрист<\/li><li>Стало: Редактор, Юрист<\/li>/)
    assert.match(table, /<li>Было: Новое<\/li><li>Стало: Закрыто<\/li><li>Итог: Помогли<\/li>/)
    assert.match(table, /<li>Принимает остальные регионы: да<\/li><li>Срок хранения, дней: 90<\/li>/)
    assert.match(table, /<td>Вход выполнен<\/td>/, 'the sign-in just made')
    assert.match(table, /<td>Обращение 0b6ad5f2<\/td>/, 'a target of a kind named in words')
    assert.ok(table.includes(`(${lawyer.email})</td>`), 'a member named, not their id')
    assert.ok(!table.includes(lawyer.id))
    for (const code of [
      'role.changed',
      'helpdesk.status',
      'signin.success',
      '{&quot;',
      '{"',
      'in_progress',
      'helpdesk.report',
    ])
      assert.ok(!table.includes(code), code)
    const filter = page.body.slice(page.body.indexOf('<select'), page.body.indexOf('</select>'))
    assert.match(filter, /<option value="role.changed" >Роли изменены<\/option>/)
  })
})
