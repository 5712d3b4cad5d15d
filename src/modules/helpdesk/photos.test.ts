import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, describe, it } from 'node:test'
import sharp from 'sharp'
import { type Agent, agent } from '../../../test/support/agent.ts'
import type { TestApp } from '../../../test/support/app.ts'
import { signIn, type TestStaff } from '../../../test/support/factories.ts'
import { appWithDesk } from './testing/desk-setup.ts'
import { formToken, reportCount, shownReceipt } from './testing/forms.ts'

let t: TestApp
let lawyer: TestStaff

before(async () => {
  ;({
    t,
    members: [lawyer],
  } = await appWithDesk(['lawyer']))
})
after(() => t.close())

/** A phone photo as it leaves the phone: EXIF with the camera owner's name and a GPS position. */
function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 48, channels: 3, background: '#8a6' } })
    .jpeg()
    .withExif({
      IFD0: { Artist: 'Secret Photographer', Make: 'PhoneMaker', Model: 'Serial-12345' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '55/1 45/1 0/1',
        GPSLongitudeRef: 'E',
        GPSLongitude: '37/1 37/1 0/1',
      },
    })
    .toBuffer()
}

/** A multipart body as a browser sends it: the form's fields, then the files. */
function multipart(
  fields: Record<string, string | string[]>,
  files: { name: string; type: string; data: Buffer }[],
) {
  const boundary = `----lifeline${randomBytes(8).toString('hex')}`
  const parts: Buffer[] = []
  for (const [name, value] of Object.entries(fields)) {
    for (const item of Array.isArray(value) ? value : [value])
      parts.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${item}\r\n`),
      )
  }
  for (const file of files) {
    parts.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.data,
      Buffer.from('\r\n'),
    )
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`))
  return { body: Buffer.concat(parts), type: `multipart/form-data; boundary=${boundary}` }
}

async function sendWithPhotos(
  writer: Agent,
  fields: Record<string, string | string[]>,
  files: { name: string; type: string; data: Buffer }[],
) {
  const page = await writer.get('/help/detained')
  const form = multipart({ _csrf: writer.csrf, token: formToken(page.body), ...fields }, files)
  return writer.send('POST', '/help/detained', form.body, { 'content-type': form.type })
}

describe('photos of protocols', () => {
  it('are stored sealed without any metadata, and reach the desk as plain JPEG', async () => {
    const original = await phonePhoto()
    assert.ok(original.includes(Buffer.from('Secret Photographer')), 'the test photo carries EXIF')
    const writer = agent(t.app, 'en')
    const response = await sendWithPhotos(writer, { who: 'With a photo', needs: ['lawyer', 'food'] }, [
      { name: 'IMG_0001.jpg', type: 'image/jpeg', data: original },
    ])
    assert.equal(response.statusCode, 201)
    shownReceipt(response.body)
    const report = await t.store.db
      .selectFrom('helpdesk_reports')
      .select(['id', 'urgency'])
      .orderBy('received_at', 'desc')
      .executeTakeFirstOrThrow()
    assert.equal(report.urgency, 'urgent', 'repeated fields arrive as a list in a multipart body')
    const desk = await signIn(t.app, lawyer)
    const page = await desk.get(`/staff/helpdesk/reports/${report.id}`)
    const link = /href="(\/staff\/helpdesk\/reports\/[^"]+\/files\/[^"]+)"/.exec(page.body)
    assert.ok(link, 'the report lists its photo')
    const file = await desk.get(link[1]!)
    assert.equal(file.statusCode, 200)
    assert.equal(file.headers['content-type'], 'image/jpeg')
    assert.match(String(file.headers['content-disposition']), /^attachment;/)
    const cleaned = file.rawPayload
    const metadata = await sharp(cleaned).metadata()
    assert.equal(metadata.format, 'jpeg')
    assert.equal(metadata.exif, undefined)
    assert.equal(metadata.xmp, undefined)
    for (const text of ['Secret Photographer', 'PhoneMaker', 'Serial-12345'])
      assert.ok(!cleaned.includes(Buffer.from(text)), text)
    // Stored sealed: not in any table in clear.
    const stored = await t.store.db.selectFrom('sealed_records').select('ciphertext').execute()
    assert.ok(stored.every((row) => !row.ciphertext.includes(cleaned.subarray(100, 164))))
  })

  it('refuses what is not a photo, a broken one, and too many, storing nothing', async () => {
    const count = () => reportCount(t.store.db)
    const before = await count()
    const photo = await phonePhoto()
    const cases: [string, { name: string; type: string; data: Buffer }[], RegExp][] = [
      [
        'a script named .jpg',
        [{ name: 'x.jpg', type: 'image/jpeg', data: Buffer.from('<script>alert(1)</script>') }],
        /could not be read/,
      ],
      [
        'an SVG',
        [
          {
            name: 'x.svg',
            type: 'image/svg+xml',
            data: Buffer.from(
              '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>',
            ),
          },
        ],
        /Only photos/,
      ],
      [
        'a cut-off JPEG',
        [{ name: 'x.jpg', type: 'image/jpeg', data: photo.subarray(0, photo.length / 2) }],
        /could not be read/,
      ],
      ['four photos', Array(4).fill({ name: 'x.jpg', type: 'image/jpeg', data: photo }), /Up to 3 photos/],
    ]
    for (const [name, files, message] of cases) {
      const response = await sendWithPhotos(agent(t.app, 'en'), { who: name }, files)
      assert.equal(response.statusCode, 400, name)
      assert.match(response.body, message, name)
    }
    assert.equal(await count(), before)
  })

  it('refuses a photo over 10 MB with a clear message', async () => {
    const big = Buffer.concat([await phonePhoto(), randomBytes(11 * 1024 * 1024)])
    const response = await sendWithPhotos(agent(t.app, 'en'), { who: 'Big' }, [
      { name: 'big.jpg', type: 'image/jpeg', data: big },
    ])
    assert.equal(response.statusCode, 400)
    assert.match(response.body, /larger than 10 MB/)
  })
})
