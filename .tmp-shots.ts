// Screenshots of the pages this change touched, at phone and desktop width, JavaScript off.
import { launchChromium } from './test/support/browser.ts'
import { createStaff } from './test/support/factories.ts'
import { startTestServer } from './test/support/server.ts'
import { helpdeskWith } from './src/modules/helpdesk/testing.ts'

const server = await startTestServer()
const admin = await createStaff(server.store.db, { roles: ['admin'], totp: false })
await helpdeskWith(server.store.db, admin.id, [admin.id])
await server.store.db.insertInto('helpdesk_counts').values([
  { day: '2026-11-10', region_id: 0, received: 3, helped: 0 },
  { day: '2026-11-20', region_id: 0, received: 12, helped: 6 },
]).execute()
const browser = await launchChromium()
for (const [width, height] of [[390, 844], [1280, 900]] as const) {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width, height } })
  const page = await context.newPage()
  for (const path of ['/help/counts', '/help/detained', '/help/legal']) {
    await page.goto(server.url + path)
    await page.screenshot({ path: `/tmp/shots/${path.replaceAll('/', '_')}-${width}.png`, fullPage: true })
  }
  // A damaged form: the detained form sent with a cut-off body.
  // Sign-in after failed attempts: the notice.
  await page.goto(`${server.url}/login`)
  for (let i = 0; i < 2; i++) {
    await page.fill('input[name=email]', admin.email)
    await page.fill('input[name=password]', 'wrong password here')
    await page.click('button[type=submit]')
  }
  await page.fill('input[name=email]', admin.email)
  await page.fill('input[name=password]', admin.password)
  await page.click('button[type=submit]')
  await page.screenshot({ path: `/tmp/shots/notice-${width}.png`, fullPage: true })
  console.log(width, page.url())
  await context.close()
}
await browser.close()
await server.close()
