/**
 * The style guide: every component of the design system as pages use it, in the reader's language,
 * with the helper that makes it, so the author of a new module builds pages from these and nothing
 * else. Real helpers render every sample: what is shown here is what pages get.
 */
import { html } from 'ghtml'
import {
  actions,
  breadcrumbs,
  buttonForm,
  cardList,
  disclosure,
  emptyState,
  messageBox,
  pager,
  summaryList,
  tag,
} from '../../../platform/html/components.ts'
import {
  checkboxField,
  checkboxGroup,
  errorSummary,
  field,
  fileField,
  radioGroup,
  selectField,
  textareaField,
} from '../../../platform/html/forms.ts'
import { layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'

// One sample: a heading, the helper that makes it, and the sample itself.
function sample(ctx: PageContext, id: string, helper: string, body: string): string {
  return html`<section aria-labelledby="sg-${id}"><h2 id="sg-${id}">${ctx.t(`styleguide.${id}.title`)}</h2>
<p class="meta">${ctx.t(`styleguide.${id}.use`)} <code>${helper}</code></p>
!${body}</section>`
}

/** /staff/styleguide. */
export function styleguidePage(ctx: PageContext): string {
  const { t } = ctx
  const invalid = { sg_name: 'styleguide.sample.error' }
  const regions = [
    { value: 'a', label: t('styleguide.sample.regionA') },
    { value: 'b', label: t('styleguide.sample.regionB') },
    { value: 'c', label: t('styleguide.sample.regionC') },
  ]
  const fields = html`<form class="stack" action="#" method="get">
!${field(ctx, {}, { name: 'sg_text', label: t('styleguide.sample.name'), hint: t('styleguide.sample.nameHint') })}
!${field(ctx, invalid, { name: 'sg_name', label: t('styleguide.sample.phone'), value: '12ab', hint: t('styleguide.sample.phoneHint') })}
!${textareaField(ctx, {}, { name: 'sg_story', label: t('styleguide.sample.story'), value: t('styleguide.sample.storyValue'), hint: t('styleguide.sample.storyHint') })}
!${selectField(ctx, {}, { name: 'sg_region', label: t('styleguide.sample.region'), options: regions, value: 'b' })}
!${fileField(ctx, {}, { name: 'sg_file', label: t('styleguide.sample.file'), hint: t('styleguide.sample.fileHint'), accept: 'image/jpeg,image/png' })}
</form>`
  const choices = html`<form class="stack" action="#" method="get">
!${checkboxGroup(ctx, {}, { name: 'sg_needs', legend: t('styleguide.sample.needs'), hint: t('styleguide.sample.needsHint'), options: regions.map((region, i) => ({ name: 'sg_needs', value: region.value, label: region.label, checked: i === 0 })) })}
!${radioGroup(
    ctx,
    {},
    {
      name: 'sg_consent',
      legend: t('styleguide.sample.consent'),
      value: 'no',
      options: [
        { value: 'yes', label: t('styleguide.sample.yes'), hint: t('styleguide.sample.yesHint') },
        { value: 'no', label: t('styleguide.sample.no') },
      ],
    },
  )}
!${checkboxField(ctx, {}, { name: 'sg_agree', label: t('styleguide.sample.agree'), hint: t('styleguide.sample.agreeHint'), checked: false })}
</form>`
  const table = scrollingTable(
    'sg-table-caption',
    t('styleguide.sample.tableCaption'),
    html`<thead><tr><th scope="col">${t('styleguide.sample.region')}</th><th scope="col" class="num">${t('styleguide.sample.count')}</th><th scope="col">${t('styleguide.sample.status')}</th></tr></thead>
<tbody>!${regions.map((region, i) => html`<tr><th scope="row">${region.label}</th><td class="num" data-label="${t('styleguide.sample.count')}">${String((i + 1) * 1234)}</td><td data-label="${t('styleguide.sample.status')}">!${tag(t('styleguide.sample.open'), i === 0 ? 'warn' : undefined)}</td></tr>`).join('')}</tbody>`,
    { compact: true, cards: true },
  )
  const cards = cardList(
    [1, 2].map(
      (n) =>
        html`<h3><a href="#sg-cards">${t('styleguide.sample.cardTitle', { n })}</a></h3><p class="meta">${t('styleguide.sample.cardMeta')}</p>!${tag(t('styleguide.sample.open'), 'info')}`,
    ),
  )
  const confirmSample = buttonForm(ctx, {
    action: '/staff/styleguide',
    label: t('styleguide.sample.danger'),
    tone: 'danger',
    question: t('styleguide.sample.question'),
  })
  const body = html`<h1>${t('styleguide.title')}</h1>
<p class="lead">${t('styleguide.lead')}</p>
!${sample(ctx, 'layouts', 'layout(ctx, { kind })', html`<ul><li>${t('styleguide.layouts.reading')}</li><li>${t('styleguide.layouts.data')}</li><li>${t('styleguide.layouts.staff')}</li></ul>`)}
!${sample(ctx, 'type', 'h1 · h2 · h3 · p.lead · p.meta · .text', html`<p class="lead">${t('styleguide.sample.lead')}</p><p>${t('styleguide.sample.paragraph')}</p><p class="meta">${t('styleguide.sample.cardMeta')}</p><div class="text">${t('styleguide.sample.storyValue')}</div>`)}
!${sample(ctx, 'buttons', '<button> · .secondary · .danger · a.button · buttonForm()', actions(html`<button type="button">${t('styleguide.sample.primary')}</button>`, html`<button type="button" class="secondary">${t('styleguide.sample.secondary')}</button>`, html`<button type="button" class="danger">${t('styleguide.sample.danger')}</button>`, html`<a class="button secondary" href="#sg-buttons">${t('styleguide.sample.link')}</a>`))}
!${sample(ctx, 'fields', 'field() · textareaField() · selectField() · fileField()', fields)}
!${sample(ctx, 'choices', 'checkboxGroup() · radioGroup() · checkboxField()', choices)}
!${sample(ctx, 'errors', 'errorSummary() · fieldError()', errorSummary(ctx, invalid, { sg_name: t('styleguide.sample.phone') }))}
!${sample(ctx, 'messages', 'noticeLine() · messageBox()', html`!${noticeLine(t('styleguide.sample.notice'))}!${messageBox('info', { bodyHtml: html`<p>${t('styleguide.sample.info')}</p>` })}!${messageBox('warn', { title: t('styleguide.sample.warnTitle'), bodyHtml: html`<p>${t('styleguide.sample.warn')}</p>` })}!${messageBox('danger', { bodyHtml: html`<p>${t('styleguide.sample.failure')}</p>` })}`)}
!${sample(ctx, 'tags', 'tag(text, tone)', html`<p>!${tag(t('styleguide.sample.new'))}!${tag(t('styleguide.sample.open'), 'info')}!${tag(t('styleguide.sample.urgent'), 'danger')}!${tag(t('styleguide.sample.waiting'), 'warn')}!${tag(t('styleguide.sample.done'), 'ok')}</p>`)}
!${sample(ctx, 'tables', 'scrollingTable(id, caption, rows, { compact, cards }) · td.num · td[data-label]', table)}
!${sample(ctx, 'filters', '.filter-row · .data-layout + .filter-panel', html`<form class="filter-row" action="#" method="get">!${selectField(ctx, {}, { name: 'sg_f1', label: t('styleguide.sample.status'), options: [{ value: '', label: t('styleguide.sample.any') }], value: '' })}!${selectField(ctx, {}, { name: 'sg_f2', label: t('styleguide.sample.region'), options: [{ value: '', label: t('styleguide.sample.any') }], value: '' })}<div><button type="submit" class="secondary">${t('styleguide.sample.show')}</button></div></form>`)}
!${sample(ctx, 'cards', 'cardList()', cards)}
!${sample(
    ctx,
    'summary',
    'summaryList()',
    summaryList([
      { term: t('styleguide.sample.status'), valueHtml: tag(t('styleguide.sample.open'), 'info') },
      { term: t('styleguide.sample.region'), valueHtml: html`${t('styleguide.sample.regionA')}` },
    ]),
  )}
!${sample(ctx, 'disclosure', 'disclosure()', disclosure(t('styleguide.sample.showTable'), html`<p>${t('styleguide.sample.paragraph')}</p>`))}
!${sample(ctx, 'navigation', 'breadcrumbs() · pager()', html`!${breadcrumbs(ctx, [{ href: '/staff', label: t('styleguide.sample.home') }, { href: '#sg-navigation', label: t('styleguide.sample.section') }, { label: t('styleguide.sample.here') }])}!${pager(t('styleguide.sample.pages'), { previous: { href: '#sg-navigation', label: t('styleguide.sample.newer') }, next: { href: '#sg-navigation', label: t('styleguide.sample.older') } })}`)}
!${sample(ctx, 'empty', 'emptyState()', emptyState(t('styleguide.sample.empty'), { href: '#sg-empty', label: t('styleguide.sample.emptyAction') }))}
!${sample(ctx, 'confirm', 'buttonForm()', html`<div inert>!${confirmSample}</div>`)}`
  return layout(ctx, { title: t('styleguide.title'), body })
}
