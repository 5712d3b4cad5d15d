/** Setting up help desks: open one, its regions and retention, who works on it. */
import { html } from 'ghtml'
import {
  checkboxGroup,
  errorSummary,
  field,
  type Option,
  selectField,
  sentList,
  sentText,
} from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { Helpdesk } from '../queries/desks.ts'
import { deskBase } from './desk.ts'

const base = `${deskBase}/desks`

/** A form's values and errors. */
export type FormState = { values: Record<string, unknown>; errors: FieldErrors }

// Regions as checkboxes: a multiple select is hard to use without a mouse. Each box is sent as
// `regions`; `group` names the group, its element ids and its error, so that two forms of one page
// (a member's regions, the desk's) don't share ids and a label ticks the box of its own form.
function regionBoxes(
  ctx: PageContext,
  form: FormState,
  regions: Option[],
  text: { group: string; legend: string; hint: string },
) {
  const picked = sentList(form.values, 'regions')
  return checkboxGroup(ctx, form.errors, {
    name: text.group,
    legend: text.legend,
    hint: text.hint,
    options: regions.map((region) => ({
      name: 'regions',
      value: region.value,
      label: region.label,
      checked: picked.includes(region.value),
    })),
  })
}

function settingsFields(ctx: PageContext, form: FormState, regions: Option[]): string {
  const { t } = ctx
  return html`!${checkboxGroup(ctx, form.errors, {
    name: 'takesRest',
    legend: t('helpdesk.manage.takesRestLegend'),
    hint: t('helpdesk.manage.takesRestHint'),
    options: [
      {
        name: 'takesRest',
        value: 'yes',
        label: t('helpdesk.manage.takesRest'),
        checked: sentText(form.values, 'takesRest') === 'yes',
      },
    ],
  })}
!${field(ctx, form.errors, { name: 'retentionDays', label: t('helpdesk.manage.retentionDays'), hint: t('helpdesk.manage.retentionHint'), value: sentText(form.values, 'retentionDays', '90'), inputmode: 'numeric' })}
<details !${form.errors.regions ? 'open' : ''}><summary>${t('helpdesk.manage.regionsSummary')}</summary>
!${regionBoxes(ctx, form, regions, { group: 'regions', legend: t('helpdesk.manage.regions'), hint: t('helpdesk.manage.regionsHint') })}
</details>`
}

/** Every help desk and the form to open one. */
export function desksPage(
  ctx: PageContext,
  view: { desks: Helpdesk[]; regions: Option[]; form: FormState },
): string {
  const { t } = ctx
  const rows = view.desks
    .map(
      (
        desk,
      ) => html`<tr><th scope="row"><a href="${base}/${desk.id}">${desk.name}</a></th><td>${desk.takesRest ? t('helpdesk.manage.yes') : t('helpdesk.manage.no')}</td>
<td>${desk.regionIds.length}</td><td>${desk.retentionDays}</td><td>${desk.members}</td></tr>`,
    )
    .join('')
  const list = view.desks.length
    ? scrollingTable(
        'desks-caption',
        t('helpdesk.manage.desksCaption'),
        html`<thead><tr><th scope="col">${t('helpdesk.manage.name')}</th><th scope="col">${t('helpdesk.manage.takesRestShort')}</th><th scope="col">${t('helpdesk.manage.regionCount')}</th>
<th scope="col">${t('helpdesk.manage.retentionDays')}</th><th scope="col">${t('helpdesk.manage.memberCount')}</th></tr></thead><tbody>!${rows}</tbody>`,
      )
    : html`<p>${t('helpdesk.manage.noDesks')}</p>`
  return layout(ctx, {
    title: t('helpdesk.manage.title'),
    body: html`<h1>${t('helpdesk.manage.title')}</h1>
<p>${t('helpdesk.manage.intro')}</p>
!${list}
<h2 id="open">${t('helpdesk.manage.openTitle')}</h2>
!${errorSummary(ctx, view.form.errors, { name: t('helpdesk.manage.name'), slug: t('helpdesk.manage.slug'), retentionDays: t('helpdesk.manage.retentionDays'), regions: t('helpdesk.manage.regions') })}
<form class="stack" method="post" action="${base}">!${csrfField(ctx)}
!${field(ctx, view.form.errors, { name: 'name', label: t('helpdesk.manage.name'), value: sentText(view.form.values, 'name'), required: true })}
!${field(ctx, view.form.errors, { name: 'slug', label: t('helpdesk.manage.slug'), hint: t('helpdesk.manage.slugHint'), value: sentText(view.form.values, 'slug'), required: true })}
!${settingsFields(ctx, view.form, view.regions)}
<button type="submit">${t('helpdesk.manage.open')}</button></form>`,
  })
}

/** A member of a desk as its page lists them. */
export type MemberRow = {
  id: string
  name: string
  email: string
  disabled: boolean
  roles: string[]
  regionIds: number[]
  specialties: string[]
}

/** One desk: its settings, members, and adding a member. */
export function deskPage(
  ctx: PageContext,
  view: {
    desk: Helpdesk
    members: MemberRow[]
    candidates: Option[]
    regions: Option[]
    regionNames: Map<number, string>
    settings: FormState
    member: FormState
    viewerIsMember: boolean
    notice?: string
    /** The re-keying section, for those who may rotate. */
    rotation?: string
  },
): string {
  const { t } = ctx
  const path = `${base}/${view.desk.id}`
  // The member form's regions are its own group: their error is under the group's name.
  const { regions: regionsError, ...memberErrors } = view.member.errors
  const memberForm: FormState = {
    values: view.member.values,
    errors: regionsError ? { ...memberErrors, memberRegions: regionsError } : memberErrors,
  }
  const members = view.members
    .map((member) => {
      // A disabled account can't be given keys (the route refuses it): no button to press in vain.
      const regrant =
        view.viewerIsMember && !member.disabled
          ? html`<form class="inline" method="post" action="${path}/members/${member.id}/regrant">!${csrfField(ctx)}<button type="submit" class="secondary" aria-label="${t('helpdesk.manage.regrantFor', { name: member.name })}">${t('helpdesk.manage.regrant')}</button></form>`
          : ''
      const state = member.disabled ? html` <span class="hint">(${t('users.disabled')})</span>` : ''
      return html`<tr><th scope="row">${member.name}!${state}</th><td>${member.email}</td><td>${member.roles.map((role) => t(`roles.${role}`)).join(', ')}</td>
<td>${member.regionIds.map((id) => view.regionNames.get(id) ?? '').join(', ') || t('helpdesk.manage.allRegions')}</td><td>${member.specialties.join(', ')}</td>
<td>!${regrant} <a class="button secondary" href="${path}/members/${member.id}/remove" aria-label="${t('helpdesk.manage.removeFor', { name: member.name })}">${t('helpdesk.manage.remove')}</a></td></tr>`
    })
    .join('')
  const table = view.members.length
    ? scrollingTable(
        'members-caption',
        t('helpdesk.manage.membersCaption'),
        html`<thead><tr><th scope="col">${t('helpdesk.manage.memberName')}</th><th scope="col">${t('helpdesk.manage.email')}</th><th scope="col">${t('helpdesk.manage.roles')}</th>
<th scope="col">${t('helpdesk.manage.regions')}</th><th scope="col">${t('helpdesk.manage.specialties')}</th><th scope="col">${t('helpdesk.manage.actions')}</th></tr></thead><tbody>!${members}</tbody>`,
      )
    : html`<p>${t('helpdesk.manage.noMembers')}</p>`
  return layout(ctx, {
    title: view.desk.name,
    body: html`<h1>${view.desk.name}</h1>
!${noticeLine(view.notice)}
<h2>${t('helpdesk.manage.members')}</h2>
<p class="hint">${t('helpdesk.manage.membersHint')}</p>
!${table}
!${view.rotation ?? ''}
<h2 id="add">${t('helpdesk.manage.addTitle')}</h2>
!${
      view.candidates.length
        ? html`!${errorSummary(ctx, memberForm.errors, { user: t('helpdesk.manage.memberName'), specialties: t('helpdesk.manage.specialties'), memberRegions: t('helpdesk.manage.regions') })}
<form class="stack" method="post" action="${path}/members">!${csrfField(ctx)}
!${selectField(ctx, memberForm.errors, { name: 'user', label: t('helpdesk.manage.memberName'), value: sentText(memberForm.values, 'user'), options: view.candidates })}
!${field(ctx, memberForm.errors, { name: 'specialties', label: t('helpdesk.manage.specialties'), hint: t('helpdesk.manage.specialtiesHint'), value: sentText(memberForm.values, 'specialties') })}
<details !${memberForm.errors.memberRegions ? 'open' : ''}><summary>${t('helpdesk.manage.memberRegionsSummary')}</summary>
!${regionBoxes(ctx, memberForm, view.regions, { group: 'memberRegions', legend: t('helpdesk.manage.regions'), hint: t('helpdesk.manage.memberRegionsHint') })}
</details>
<button type="submit">${t('helpdesk.manage.add')}</button></form>`
        : html`<p>${t('helpdesk.manage.noCandidates')}</p>`
    }
<h2 id="settings">${t('helpdesk.manage.settings')}</h2>
!${errorSummary(ctx, view.settings.errors, { retentionDays: t('helpdesk.manage.retentionDays'), regions: t('helpdesk.manage.regions') })}
<form class="stack" method="post" action="${path}/settings">!${csrfField(ctx)}
!${settingsFields(ctx, view.settings, view.regions)}
<button type="submit">${t('helpdesk.manage.save')}</button></form>
<p><a href="${base}">${t('helpdesk.manage.back')}</a></p>`,
  })
}

/** Asks before removing a member: their keys to every report of the desk are deleted. */
export function confirmRemovePage(
  ctx: PageContext,
  desk: Helpdesk,
  member: { id: string; name: string },
): string {
  const { t } = ctx
  const path = `${base}/${desk.id}`
  return layout(ctx, {
    title: t('helpdesk.manage.removeTitle'),
    narrow: true,
    body: html`<h1>${t('helpdesk.manage.removeTitle')}</h1>
<p>${t('helpdesk.manage.removeText', { name: member.name, desk: desk.name })}</p>
<form method="post" action="${path}/members/${member.id}/remove">!${csrfField(ctx)}<button type="submit" class="danger">${t('helpdesk.manage.removeConfirm')}</button></form>
<p><a href="${path}">${t('helpdesk.manage.cancel')}</a></p>`,
  })
}
