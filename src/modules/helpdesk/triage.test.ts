import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { consentGivers } from './schema.ts'
import { consentOf, type ReportContent } from './triage.ts'

const report = (answers: Partial<ReportContent>): ReportContent =>
  ({
    form: 'detained',
    locale: 'en',
    region: '',
    contact: '',
    who: 'Anna',
    place: 'Pushkinskaya',
    station: '',
    details: '',
    needs: [],
    publishFacts: false,
    publishNames: false,
    ...answers,
  }) as ReportContent

describe('whose consent counts', () => {
  const boxes = [
    { publishFacts: false, publishNames: false },
    { publishFacts: true, publishNames: false },
    { publishFacts: false, publishNames: true },
    { publishFacts: true, publishNames: true },
  ]
  for (const consentBy of [...consentGivers, undefined])
    for (const ticked of boxes)
      it(`${consentBy ?? 'no answer'}, facts ${ticked.publishFacts}, names ${ticked.publishNames}`, () => {
        const counts = consentBy === 'self' || consentBy === 'agreed'
        assert.deepEqual(consentOf(report({ ...ticked, consentBy }), false), {
          facts: counts && ticked.publishFacts,
          names: counts && ticked.publishNames,
        })
        // Withdrawn, nothing counts, whoever gave it.
        assert.deepEqual(consentOf(report({ ...ticked, consentBy }), true), { facts: false, names: false })
      })

  it('gives none for a report that can not be read', () => {
    assert.deepEqual(consentOf(null, false), { facts: false, names: false })
  })
})
