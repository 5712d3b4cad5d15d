import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { describe, it } from 'node:test'
import { isCoarse } from './coarse-time.ts'
import { windowedLogger } from './request-log.ts'

describe('the log of confidential requests', () => {
  it('holds each line until its window ends, dated to the window', () => {
    const written: string[] = []
    const destination = new PassThrough()
    destination.on('data', (chunk: Buffer) => written.push(...chunk.toString().split('\n').filter(Boolean)))
    const windowed = windowedLogger('info', destination)
    try {
      windowed.logger
        .child({ reqId: 'req-1' })
        .error({ err: new Error('the database went away') }, 'request failed')
      windowed.logger.debug('below the level')
      assert.deepEqual(written, [], 'nothing is written while the window lasts')
      windowed.flush()
    } finally {
      windowed.stop()
    }
    return new Promise<void>((done) =>
      setImmediate(() => {
        assert.equal(written.length, 1)
        const line = JSON.parse(written[0]!) as { time: number; msg: string; reqId: string; level: number }
        assert.equal(line.msg, 'request failed')
        assert.equal(line.level, 50)
        assert.ok(isCoarse(new Date(line.time)), 'dated to the start of its ten minutes')
        done()
      }),
    )
  })
})
