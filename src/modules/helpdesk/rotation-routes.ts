/**
 * Re-keying a desk's records under /staff/helpdesk/desks/:id (coordinators on the desk): a confirmation,
 * the start (or resumption) of the work, and its progress page. The work itself is the platform's
 * (crypto/desk-rotation.ts); it runs in this process with a copy of the coordinator's key pair.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { findRotation, latestRotation, rotationRunner } from '../../platform/crypto/desk-rotation.ts'
import { SealedError } from '../../platform/crypto/sealed-records.ts'
import { AppError, notFound } from '../../platform/errors.ts'
import type { ModuleDeps } from '../../platform/module.ts'
import { pageContext, sendPage } from '../../platform/request-context.ts'
import { keyHolder } from './desk-routes.ts'
import { findHelpdesk, helpdeskMembers } from './desks.ts'
import { deskBase } from './pages/desk.ts'
import { confirmRotationPage, rotationPage, rotationPaths } from './pages/rotation.ts'
import { ROTATE_HELPDESK } from './policy.ts'

const base = `${deskBase}/desks`

/** Registers the re-keying routes and stops their runs when the app closes. */
export function registerHelpdeskRotationRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const { db } = deps.store
  const config = { policy: { permission: ROTATE_HELPDESK } }
  const runner = rotationRunner(db, { log: (error, message) => app.log.error({ err: error }, message) })
  app.addHook('onClose', () => runner.close())

  // The desk, and whether the caller is an enabled member of it (the only ones who can rotate).
  const deskOf = async (request: FastifyRequest) => {
    const desk = await findHelpdesk(db, (request.params as { id: string }).id)
    if (!desk) throw notFound()
    const members = await helpdeskMembers(db, desk.id)
    const viewerIsMember = members.some(
      (member) => member.id === request.session!.user.id && !member.disabled,
    )
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
        throw new AppError('ERR_ROTATION_NOT_MEMBER', 409)
      }
      throw error
    } finally {
      // The run keeps its own copy in secure memory; this one is no longer needed.
      holder.keyPair.privateKey.fill(0)
    }
  })

  app.get(`${base}/:id/rotations/:rotationId`, { config }, async (request, reply) => {
    const { desk, viewerIsMember } = await deskOf(request)
    const rotation = await findRotation(db, desk.id, (request.params as { rotationId: string }).rotationId)
    if (!rotation) throw notFound()
    return sendPage(reply, rotationPage(pageContext(request), { desk, rotation, viewerIsMember }))
  })
}
