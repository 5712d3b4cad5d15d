/** The import page: upload a file with a mapping (dry run or import), recent jobs, and saving a mapping. */
import { html } from 'ghtml'
import { errorSummary, fieldError } from '../../../platform/html/forms.ts'
import { csrfField, layout, noticeLine, type PageContext } from '../../../platform/html/layout.ts'
import { scrollingTable } from '../../../platform/html/tables.ts'
import { formatDateTime, formatNumber } from '../../../platform/i18n.ts'
import type { FieldErrors } from '../../../platform/validation.ts'
import type { ImportParams } from '../commands/import/jobs.ts'
import type { Mapping } from '../commands/import/mapping.ts'

type RecentJob = { id: string; state: string; params: ImportParams; done_rows: number; created_at: Date }

/** Renders the upload form, recent import jobs and the mapping form. */
export function importPage(
  ctx: PageContext,
  options: {
    mappings: Mapping[]
    jobs: RecentJob[]
    errors: FieldErrors
    mappingErrors?: string[]
    values?: { mapping?: string; mappingJson?: string }
    uploadLimitMb: number
    notice?: string
  },
): string {
  const { t, locale } = ctx
  const { errors } = options
  const chosen = options.values?.mapping
  const mappingOptions = options.mappings
    .map(
      (mapping) =>
        html`<option value="${mapping.name}" ${chosen === mapping.name ? 'selected' : ''}>${mapping.name} (${mapping.format}${mapping.publish ? `, ${t('chronicle.import.page.publishes')}` : ''})</option>`,
    )
    .join('')
  const jobRows = options.jobs
    .map(
      (
        job,
      ) => html`<tr><td><a href="/staff/chronicle/import/jobs/${job.id}">${formatDateTime(job.created_at, locale)}</a></td>
<td>${job.params.fileName}</td><td>${job.params.mapping?.name ?? ''}</td>
<td>${job.params.dryRun ? t('chronicle.import.page.dryRun') : t('chronicle.import.page.import')}</td>
<td>${t(`chronicle.import.state.${job.state}`)}</td><td class="number">${formatNumber(job.done_rows, locale)}</td></tr>`,
    )
    .join('')
  const mappingProblems = (options.mappingErrors ?? []).map((problem) => html`<li>${problem}</li>`).join('')
  const body = html`<h1>${t('chronicle.import.page.title')}</h1>
!${noticeLine(options.notice)}
<p>${t('chronicle.import.page.intro')}</p>
!${errorSummary(ctx, errors, { file: t('chronicle.import.page.file'), mapping: t('chronicle.import.page.mapping') })}
<form class="stack" method="post" action="/staff/chronicle/import" enctype="multipart/form-data">
!${csrfField(ctx)}
<div><label for="field-mapping">${t('chronicle.import.page.mapping')}</label>
!${fieldError(ctx, errors, 'mapping')}
<select id="field-mapping" name="mapping" required aria-invalid="${errors.mapping ? 'true' : 'false'}" !${errors.mapping ? 'aria-describedby="field-mapping-error"' : ''}>!${mappingOptions}</select></div>
<div><label for="field-file">${t('chronicle.import.page.file')}</label>
<span class="hint" id="field-file-hint">${t('chronicle.import.page.fileHint', { size: options.uploadLimitMb })}</span>
!${fieldError(ctx, errors, 'file')}
<input id="field-file" name="file" type="file" required accept=".csv,.ndjson,.jsonl,.txt,text/csv,application/x-ndjson" aria-describedby="field-file-hint!${errors.file ? ' field-file-error' : ''}" aria-invalid="${errors.file ? 'true' : 'false'}"></div>
<fieldset class="checks"><legend>${t('chronicle.import.page.options')}</legend>
<label><input type="checkbox" name="partial" value="1"> ${t('chronicle.import.page.partial')}</label>
<label><input type="checkbox" name="blankUnknown" value="1"> ${t('chronicle.import.page.blankUnknown')}</label>
</fieldset>
<p><button type="submit" name="mode" value="dry">${t('chronicle.import.page.runDry')}</button>
<button type="submit" name="mode" value="import">${t('chronicle.import.page.runImport')}</button></p>
</form>
<h2>${t('chronicle.import.page.jobs')}</h2>
!${
    options.jobs.length
      ? scrollingTable(
          'jobs-caption',
          t('chronicle.import.page.jobsCaption'),
          html`<thead><tr><th scope="col">${t('chronicle.import.page.started')}</th><th scope="col">${t('chronicle.import.page.file')}</th><th scope="col">${t('chronicle.import.page.mapping')}</th>
<th scope="col">${t('chronicle.import.page.kind')}</th><th scope="col">${t('chronicle.import.page.state')}</th><th scope="col">${t('chronicle.import.page.rows')}</th></tr></thead>
<tbody>!${jobRows}</tbody>`,
        )
      : html`<p>${t('chronicle.import.page.noJobs')}</p>`
  }
<h2 id="mappings">${t('chronicle.import.page.saveMapping')}</h2>
<p>${t('chronicle.import.page.saveMappingIntro')}</p>
!${mappingProblems ? html`<div class="error-summary" role="alert" tabindex="-1"><h3>${t('validation.summary')}</h3><ul>!${mappingProblems}</ul></div>` : ''}
<form class="stack" method="post" action="/staff/chronicle/import/mappings">
!${csrfField(ctx)}
<div><label for="field-mappingJson">${t('chronicle.import.page.mappingJson')}</label>
<textarea id="field-mappingJson" name="mappingJson" rows="16" spellcheck="false" required>${options.values?.mappingJson ?? ''}</textarea></div>
<p><button type="submit">${t('chronicle.import.page.saveMappingButton')}</button></p>
</form>`
  return layout(ctx, { title: t('chronicle.import.page.title'), body })
}
