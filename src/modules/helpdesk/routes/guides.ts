/**
 * The public guides at /help/rights and /help/relatives. A guide is a text staff edit
 * (platform/texts); one cleared in every language is no page, and answers 404. Like every page a
 * writer uses, `no-store` and no exact time in the log: having read "what to do if detained" can say
 * something about the reader.
 */
import type { FastifyInstance } from 'fastify'
import { notFound } from '../../../platform/errors.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { pageContext, sendPage } from '../../../platform/request-context.ts'
import { findText, textToShow } from '../../../platform/texts/texts.ts'
import { guidePage, guidePath } from '../pages/guides.ts'
import { deskTextKey, guideNames } from '../queries/guides.ts'

/** Registers the guides' pages. */
export function registerHelpdeskGuideRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const open = { policy: 'public' as const, confidential: true as const }
  for (const name of guideNames) {
    app.get(guidePath(name), { config: open }, async (request, reply) => {
      const text = await findText(db, deskTextKey(name))
      if (!textToShow(text, request.locale)) throw notFound()
      reply.header('cache-control', 'no-store')
      return sendPage(reply, guidePage(pageContext(request), name, text))
    })
  }
}
