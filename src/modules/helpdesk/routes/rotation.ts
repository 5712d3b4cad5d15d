/**
 * Re-keying a desk's records under /staff/helpdesk/desks/:id (coordinators on the desk): a confirmation,
 * the start (or resumption) of the work, and its progress page. The work itself is the platform's
 * (crypto/desk-rotation.ts); it runs in this process with a copy of the coordinator's key pair.
 */

import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findRotation, latestRotation, rotationRunner } from '../../../platform/crypto/desk-rotation.ts'
import { SealedError } from '../../../platform/crypto/sealed-records.ts'
import { notFound } from '../../../platform/errors.ts'
import { followsJob } from '../../../platform/html/progress.ts'
import type { ModuleDeps } from '../../../platform/module.ts'
import { actor, pageContext, sendPage } from '../../../platform/request-context.ts'
import { parseParams } from '../../../platform/validation.ts'
import { errors } from '../errors.ts'
import { deskBase } from '../pages/desk.ts'
import { confirmRotationPage, rotationPage, rotationPaths } from '../pages/rotation.ts'
import { ROTATE_HELPDESK } from '../policy.ts'
import { findHelpdesk, helpdeskMembers } from '../queries/desks.ts'
import { deskParams, rotationParams } from '../schema.ts'
import { keyHolder } from './key-holder.ts'

const base = `${deskBase}/desks`

/** Registers the re-keying routes and stops their runs when the app closes. */
export function registerHelpdeskRotationRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: { permission: ROTATE_HELPDESK } }
  const runner = rotationRunner(db, { log: (error, message) => app.log.error({ err: error }, message) })
  app.addHook('onClose', () => runner.close())

  // The desk, and whether the caller is an enabled member of it (the only ones who can rotate).
  const deskOf = async (request: FastifyRequest) => {
    const desk = await findHelpdesk(db, parseParams(deskParams, request.params).id)
    if (!desk) throw notFound()
    const members = await helpdeskMembers(db, desk.id)
    const userId = actor(request).user.id
    const viewerIsMember = members.some((member) => member.id === userId && !member.disabled)
    return { desk, viewerIsMember }
  }

  app.get(`${base}/:id/rotate`, { config }, async (request, reply) => {
    const { desk, viewerIsMember } = await deskOf(request)
    const latest = await latestRotation(db, desk.id)
    return sendPage(reply, confirmRotationPage(pageContext(request), { desk, latest, viewerIsMember }))
  })

  app.post(`${base}/:id/rotate`, { config }, async (request, reply) => {
    const { desk } = await deskOf(request)
    const holder = keyHolder(request)
    try {
      const started = await runner.start(desk.id, holder)
      return reply.redirect(rotationPaths(desk.id).progress(started.id), 303)
    } catch (error) {
      if (error instanceof SealedError && error.code === 'ERR_NOT_DESK_MEMBER') {
        throw errors.ERR_ROTATION_NOT_MEMBER()
      }
      throw error
    } finally {
      // The run keeps its own copy in secure memory; this one is no longer needed.
      holder.keyPair.privateKey.fill(0)
    }
  })

  app.get(`${base}/:id/rotations/:rotationId`, { config }, async (request, reply) => {
    const { desk, viewerIsMember } = await deskOf(request)
    const { rotationId } = parseParams(rotationParams, request.params)
    const rotation = await findRotation(db, desk.id, rotationId)
    if (!rotation) throw notFound()
    return sendPage(
      reply,
      rotationPage(pageContext(request), { desk, rotation, viewerIsMember }, followsJob(request.query)),
    )
  })
}
