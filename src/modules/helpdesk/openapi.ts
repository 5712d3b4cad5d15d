/** The help desk's part of the OpenAPI document (platform/openapi.ts). */
import type { ApiSection } from '../../platform/openapi.ts'

// A count, or null for "fewer than fewerThan".
const shownCount = { type: ['integer', 'null'], minimum: 0 }
/** The help desk's part of the OpenAPI document: its public counts. */
export function helpdeskApi(): ApiSection {
  return { paths: { '/api/v1/helpdesk/counts': { get: countsOperation } } }
}

const countsOperation = {
  operationId: 'getHelpdeskCounts',
  summary:
    'Help desk requests received and people helped: by day (the last 60 days that ended at least 48 hours ago) and by region (whole months, rounded); no content.',
  tags: ['help desk'],
  responses: {
    200: {
      description:
        'The counts. A day count from 1 to fewerThan - 1 is null; region counts are rounded to the nearest regionRounding, and one from 1 to fewerThan - 1 is null.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              fewerThan: { type: 'integer' },
              regionRounding: { type: 'integer' },
              days: {
                type: 'object',
                properties: { from: { type: 'string' }, through: { type: 'string' } },
              },
              regionsThrough: { type: 'string', description: 'The last day the region counts cover.' },
              byDay: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { day: { type: 'string' }, received: shownCount, helped: shownCount },
                },
              },
              byRegion: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    region: { type: ['string', 'null'] },
                    received: shownCount,
                    helped: shownCount,
                  },
                },
              },
            },
          },
        },
      },
    },
  },
}
