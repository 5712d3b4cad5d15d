/**
 * The OpenAPI 3.1 document at /api/openapi.json. Each module describes its own paths in its descriptor
 * (`api`), from the same zod schemas its routes validate with (OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which z.toJSONSchema writes); this file joins them and serves the result.
 */
import type { FastifyInstance, FastifyReply } from 'fastify'
import { z } from 'zod'

/** A JSON object. */
export type Json = Record<string, unknown>

/** A module's part of the document: operations by path and method, and the schemas they refer to. */
export type ApiSection = {
  paths: Record<string, Record<string, Json>>
  schemas?: Record<string, Json>
}

/** The JSON Schema of a zod schema, as a request sees it (`input`) or a response (`output`). */
export function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as Json
  return rest
}

/**
 * Query parameters from an object schema, one per property (only those in `only`, if given); arrays
 * repeat the parameter. `help` describes properties whose schema has no description.
 */
export function queryParameters(
  schema: z.ZodType,
  help: Record<string, string> = {},
  only?: string[],
): Json[] {
  const json = schemaOf(schema, 'input') as { properties: Record<string, Json>; required?: string[] }
  return Object.entries(json.properties)
    .filter(([name]) => !only || only.includes(name))
    .map(([name, property]) => {
      const { description, ...rest } = property
      return {
        name,
        in: 'query',
        required: json.required?.includes(name) ?? false,
        description: (description as string | undefined) ?? help[name],
        schema: rest,
        ...(rest.type === 'array' ? { style: 'form', explode: true } : {}),
      }
    })
}

/** A response with the error body every API route answers with. */
export const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
})

/** A response that is a file of `mediaType`. */
export function fileResponse(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: { type: 'string' } } } }
}

/** Every API error's body. */
export const errorOut = z.object({
  error: z.object({
    code: z.string().meta({ description: 'A stable code such as ERR_NOT_FOUND or ERR_INVALID_QUERY.' }),
    message: z.string().meta({ description: 'What went wrong, in the language asked for.' }),
    fields: z
      .record(z.string(), z.string())
      .optional()
      .meta({ description: 'For invalid input: parameter → what is wrong with it.' }),
  }),
})

/** Public data: any site may read it from a browser (no cookies are involved), and briefly cache it. */
export function publicData(reply: FastifyReply): FastifyReply {
  return reply.header('access-control-allow-origin', '*').header('cache-control', 'public, max-age=60')
}

/** The document, with `publicUrl` as its server: every module's paths and schemas (module.ts `api`). */
export function openApiDocument(publicUrl: string, sections: readonly ApiSection[]): Json {
  const paths: ApiSection['paths'] = {
    '/api/openapi.json': {
      get: {
        operationId: 'openApi',
        summary: 'This document.',
        tags: ['meta'],
        responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
      },
    },
  }
  for (const section of sections)
    for (const [path, operations] of Object.entries(section.paths))
      paths[path] = { ...paths[path], ...operations }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lifeline',
      version: '1.0.0',
      description:
        'Open data of this Lifeline: published, verified events of the chronicle of repression and resistance, and the help desk’s rounded counts. Everything here is redacted: persons appear only as their consent or a public record allows, and sensitive events have their place and dates coarsened.',
      license: { name: 'AGPL-3.0-or-later', identifier: 'AGPL-3.0-or-later' },
    },
    servers: [{ url: publicUrl }],
    paths,
    components: {
      schemas: Object.assign(
        { Error: schemaOf(errorOut, 'output') },
        ...sections.map((section) => section.schemas ?? {}),
      ),
    },
  }
}

/** Serves the document at /api/openapi.json. */
export function registerApiDocument(
  app: FastifyInstance,
  publicUrl: string,
  sections: () => readonly ApiSection[],
) {
  app.get('/api/openapi.json', { config: { policy: 'public' } }, async (_request, reply) => {
    publicData(reply)
    return openApiDocument(publicUrl, sections())
  })
}
