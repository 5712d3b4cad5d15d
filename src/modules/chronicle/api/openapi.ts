/**
 * The OpenAPI 3.1 document at /api/openapi.json, generated from the same zod schemas the routes
 * validate with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which z.toJSONSchema writes).
 */
import { z } from 'zod'
import { statsQuerySchema } from '../stats/queries.ts'
import {
  errorOut,
  eventDetailOut,
  eventListQuery,
  eventPageOut,
  vocabularies,
  vocabularyOut,
} from './schemas.ts'

type Json = Record<string, unknown>

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json
  return rest
}

const filterHelp: Record<string, string> = {
  q: 'Full-text search in Russian, Ukrainian and English.',
  type: 'Event type codes (repeat the parameter for several).',
  region: 'Region codes (repeat for several).',
  article: 'Article codes (repeat for several).',
  status: 'verified and/or disputed.',
  from: 'First day (YYYY-MM-DD) or month (YYYY-MM).',
  to: 'Last day (YYYY-MM-DD) or month (YYYY-MM, meaning its last day).',
}

/** Query parameters from an object schema, one per property; arrays repeat the parameter. */
function queryParameters(schema: z.ZodType, only?: string[]): Json[] {
  const json = schemaOf(schema, 'input') as { properties: Record<string, Json>; required?: string[] }
  return Object.entries(json.properties)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, property]) => {
      const { description, ...rest } = property
      return {
        name,
        in: 'query',
        required: json.required?.includes(name) ?? false,
        description: (description as string | undefined) ?? filterHelp[name],
        schema: rest,
        ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
      }
    })
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

function fileResponse(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: { type: 'string' } } } }
}

const described = new Map<string, Record<string, Json>>()

/**
 * Adds an operation that another part of the app serves under /api (path in OpenAPI form,
 * `/api/v1/x/{id}`), so the document keeps describing every API route.
 */
export function describeApi(path: string, method: string, operation: Json): void {
  described.set(path, { ...described.get(path), [method.toLowerCase()]: operation })
}

const count = { type: 'integer', minimum: 0 }
// The statistics routes live in stats-routes.ts; their parameters come from their own schema.
describeApi('/api/v1/stats', 'get', {
  operationId: 'getStats',
  summary:
    'Counts of published events and people detained, by month, region, type and article, for a filter.',
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

/** The document, with `publicUrl` as its server. */
export function openApiDocument(publicUrl: string): Json {
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
    openapi: '3.1.0',
    info: {
      title: 'Lifeline chronicle',
      version: '1.0.0',
      description:
        'Published, verified events of the chronicle of repression and resistance. Everything here is redacted: persons appear only as their consent or a public record allows, and sensitive events have their place and dates coarsened.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: publicUrl }],
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
      '/api/openapi.json': {
        get: {
          operationId: 'openApi',
          summary: 'This document.',
          tags: ['meta'],
          responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
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
      ...Object.fromEntries(described),
    },
    components: {
      schemas: {
        EventPage: schemaOf(eventPageOut, 'output'),
        EventDetail: schemaOf(eventDetailOut, 'output'),
        Vocabulary: schemaOf(vocabularyOut, 'output'),
        Error: schemaOf(errorOut, 'output'),
      },
    },
  }
}
