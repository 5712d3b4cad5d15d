/**
 * What a module is to the platform: a descriptor naming everything it adds (permissions, staff
 * navigation, home-page links, jobs, API description, command-line commands) and one register()
 * that adds its routes. The composition root (src/modules.ts) lists the installed modules; buildApp,
 * the job runner and the CLI read their descriptors. The platform never imports a module.
 */
import type { Command } from 'commander'
import type { FastifyInstance } from 'fastify'
import type { Env } from '../env.ts'
import type { ErasureKeyOwner } from './crypto/erasure-key-sweep.ts'
import type { Db, Store } from './db/database.ts'
import type { NavItem } from './html/layout.ts'
import type { JobDefinition } from './jobs/queue.ts'
import type { ApiSection } from './openapi.ts'
import type { Permission } from './policy.ts'

/** What every module's register() receives. */
export type ModuleDeps = {
  store: Store
  env: Env
  /** Every installed module's descriptor (the home page lists their links). */
  modules: readonly LifelineModule[]
}

/** What a module's `lifeline` subcommands receive: the configured store, opened and prepared. */
export type CliDeps = {
  withStore<T>(env: Env, work: (store: Store) => Promise<T>): Promise<T>
}

/**
 * A module's entry on the public home page, all i18n keys but `href`: its `name`, a one-line
 * `description` of what it does, and the `label` of the link to it. Only installed modules have one,
 * so the page never promises a part that isn't there.
 */
export type HomeLink = { href: string; name: string; description: string; label: string }

/**
 * One of the first steps an administrator takes on a fresh install, as the staff dashboard lists it:
 * `label` (an i18n key) says what to do, `href` where it is done, `done` whether it is, and only
 * members holding `permission` are shown it.
 */
export type FirstStep = { label: string; href: string; done: boolean; permission: Permission }

/** A module's descriptor; see above. */
export type LifelineModule = {
  /** Short and unique: `chronicle`, `helpdesk`. */
  name: string
  /** The i18n key of its name as people read it ("Chronicle"): heads its group in the staff navigation. */
  title?: string
  /** The permissions its routes and pages check. */
  permissions?: readonly Permission[]
  /** Its entries in the staff navigation, in order. */
  navigation?: readonly NavItem[]
  /** Its entries on the public home page. */
  home?: readonly HomeLink[]
  /** Its first steps on a fresh install, each read from the database so it is ticked once done. */
  firstSteps?: (db: Db) => Promise<FirstStep[]>
  /** Its background jobs (pg-boss). */
  jobs?: readonly JobDefinition[]
  /** Says which erasure keys its items name, so the platform's sweep leaves them alone. */
  erasureKeys?: ErasureKeyOwner
  /** Its part of the OpenAPI document at /api/openapi.json. */
  api?: () => ApiSection
  /** Adds its `lifeline` subcommands. */
  cli?: (program: Command, deps: CliDeps) => void
  /** Registers its routes. */
  register(app: FastifyInstance, deps: ModuleDeps): void
}

// Names must be unique: two permissions (or jobs) of one name would share grants (or a queue) by accident.
function uniqueByName<T extends { name: string }>(items: T[], what: string): T[] {
  const names = new Set<string>()
  for (const item of items) {
    if (names.has(item.name)) throw new Error(`${what} ${item.name} is declared twice`)
    names.add(item.name)
  }
  return items
}

/** Every permission the modules declare, checked for names used twice. */
export function modulePermissions(modules: readonly LifelineModule[]): Permission[] {
  return uniqueByName(
    modules.flatMap((module) => module.permissions ?? []),
    'Permission',
  )
}

/** Every module's jobs, checked for names used twice. */
export function moduleJobs(modules: readonly LifelineModule[]): JobDefinition[] {
  return uniqueByName(
    modules.flatMap((module) => module.jobs ?? []),
    'Job',
  )
}
