/** Who may do what in the chronicle. */
import { definePermission } from '../../platform/policy.ts'

/** Create and edit events, persons, cases and sources; run imports and exports of unpublished data. */
export const EDIT_CHRONICLE = definePermission('chronicle.edit', ['admin', 'coordinator', 'editor'])
/** Verify, publish and unpublish events; approve vocabulary terms. */
export const REVIEW_CHRONICLE = definePermission('chronicle.review', ['admin', 'editor'])
