/**
 * The chronicle's part of the OpenAPI document (platform/openapi.ts): its API, feed, exports and
 * statistics, generated from the same zod schemas the routes validate with.
 */
import {
  type ApiSection,
  errorResponse,
  fileResponse,
  type Json,
  queryParameters as parametersOf,
  schemaOf,
} from '../../platform/openapi.ts'
import { eventDetailOut, eventListQuery, eventPageOut, vocabularies, vocabularyOut } from './schema/api.ts'
import { statsQuerySchema } from './schema/filter.ts'

const filterHelp: Record<string, string> = {
  q: 'Full-text search in Russian, Ukrainian and English.',
  type: 'Event type codes (repeat the parameter for several).',
  region: 'Region codes (repeat for several).',
  country: 'Country codes, ISO 3166-1 alpha-2 (repeat for several).',
  article: 'Article codes (repeat for several).',
  status: 'verified and/or disputed.',
  from: 'First day (YYYY-MM-DD) or month (YYYY-MM).',
  to: 'Last day (YYYY-MM-DD) or month (YYYY-MM, meaning its last day).',
}

const count = { type: 'integer', minimum: 0 }
const queryParameters = (schema: Parameters<typeof parametersOf>[0], only?: string[]) =>
  parametersOf(schema, filterHelp, only)

// The statistics routes live in routes/stats.ts; their parameters come from their own schema.
const statsOperation = (): Json => ({
  operationId: 'getStats',
  summary:
    'Counts of published events and people detained, by month, region, country, type and article, for a filter.',
  tags: ['statistics'],
  parameters: queryParameters(statsQuerySchema),
  responses: {
    200: {
      description: 'The counts.',
      content: {
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              filter: { type: 'object' },
              totals: { type: 'object', properties: { events: count, detained: count } },
              detainedQualified: {
                type: 'object',
                description:
                  'Of the events counted, how many give the number detained as a lower bound ("1000+") or an estimate ("about 200"); the total sums them as given.',
                properties: { atLeast: count, about: count },
              },
              byMonth: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { month: { type: ['string', 'null'] }, events: count, detained: count },
                },
              },
            },
          },
        },
      },
    },
    400: errorResponse('An invalid filter.'),
  },
})

/** The chronicle's paths and schemas. */
export function chronicleApi(): ApiSection {
  const filterParameters = queryParameters(eventListQuery, Object.keys(filterHelp))
  const exportOf = (format: string, mediaType: string) => ({
    get: {
      operationId: `exportEvents${format.toUpperCase()}`,
      summary: `Every published event matching the filter as ${format.toUpperCase()}, streamed, with no row cap. Above a size, a page offers a background export instead.`,
      tags: ['open data'],
      parameters: filterParameters,
      responses: {
        200: fileResponse(mediaType, 'The export.'),
        400: errorResponse('An invalid filter.'),
      },
    },
  })
  return {
    paths: {
      '/api/v1/events': {
        get: {
          operationId: 'listEvents',
          summary: 'Published events matching a filter, newest first, in keyset pages.',
          tags: ['events'],
          parameters: queryParameters(eventListQuery),
          responses: {
            200: {
              description: 'A page of events.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/EventPage' } } },
            },
            400: errorResponse('An invalid filter, limit or cursor.'),
          },
        },
      },
      '/api/v1/events/{id}': {
        get: {
          operationId: 'getEvent',
          summary: 'One published event with its acts, persons (as visibility allows) and cases.',
          tags: ['events'],
          parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }],
          responses: {
            200: {
              description: 'The event.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/EventDetail' } } },
            },
            301: {
              description:
                'The event was merged into another: `Location` is the address of the event it became part of.',
              headers: { Location: { schema: { type: 'string' } } },
            },
            404: errorResponse('No such published event.'),
          },
        },
      },
      '/api/v1/vocabularies/{vocabulary}': {
        get: {
          operationId: 'getVocabulary',
          summary: 'The approved terms of a vocabulary with their labels in Russian, Ukrainian and English.',
          tags: ['vocabularies'],
          parameters: [
            {
              name: 'vocabulary',
              in: 'path',
              required: true,
              schema: { type: 'string', enum: [...vocabularies] },
            },
          ],
          responses: {
            200: {
              description: 'The terms.',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Vocabulary' } } },
            },
            404: errorResponse('No such vocabulary.'),
          },
        },
      },
      '/chronicle/feed.atom': {
        get: {
          operationId: 'eventFeed',
          summary: 'An Atom feed of the 50 most recently published events matching the filter.',
          tags: ['open data'],
          parameters: filterParameters,
          responses: {
            200: fileResponse('application/atom+xml', 'The feed.'),
            400: errorResponse('An invalid filter.'),
          },
        },
      },
      '/chronicle/export.csv': exportOf('csv', 'text/csv'),
      '/chronicle/export.ndjson': exportOf('ndjson', 'application/x-ndjson'),
      '/chronicle/export.json': exportOf('json', 'application/json'),
      '/api/v1/stats': { get: statsOperation() },
    },
    schemas: {
      EventPage: schemaOf(eventPageOut, 'output'),
      EventDetail: schemaOf(eventDetailOut, 'output'),
      Vocabulary: schemaOf(vocabularyOut, 'output'),
    },
  }
}
