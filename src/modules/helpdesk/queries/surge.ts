/**
 * The surge view: on a day of mass detentions ten relatives may write about the same police station.
 * Open detention reports of the last hours are decrypted for the member (one audit row for the view),
 * grouped by police station as written (normalised) and by time received (within 3 hours of the
 * previous one), so one lawyer can take a whole group. Joining reports into a group stores only a
 * random group id: what they share stays sealed.
 */
import { type KeyHolder, openRecords } from '../../../platform/crypto/sealed-records.ts'
import type { Db } from '../../../platform/db/database.ts'
import { contentOf, isReportMismatch, type ReportLock, reportLock, unlock } from '../report-lock.ts'
import type { ReportStatus } from '../tables.ts'
import type { ReportContent } from '../triage.ts'
import { memberDesks } from './desks.ts'

/** How far back the view looks, in hours. */
export const SURGE_HOURS = 12
/** Reports at most this far apart (received) may be about the same detention. */
const WINDOW_MS = 3 * 3_600_000
/** At most this many reports are read for one view. */
const SURGE_LIMIT = 1000

// Words every station name has: "ОВД", "отдел полиции по району", "police station №".
const commonWords = new Set([
  'овд',
  'омвд',
  'умвд',
  'отдел',
  'отделение',
  'полиции',
  'полиция',
  'по',
  'району',
  'район',
  'р',
  'н',
  'мвд',
  'россии',
  'г',
  'города',
  'відділ',
  'поліції',
  'ovd',
  'police',
  'station',
  'department',
  'district',
  'the',
  'of',
])

/** A station as written, reduced to what tells it apart: "ОВД «Тверской»" and "овд тверской" match. */
export function stationKey(station: string): string {
  return station
    .normalize('NFKC')
    .toLowerCase()
    .replaceAll('ё', 'е')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word && !commonWords.has(word))
    .join(' ')
}

/** One report in the surge view. */
export type SurgeReport = {
  id: string
  receivedAt: Date
  status: ReportStatus
  assigneeName: string | null
  groupId: string | null
  station: string
  people: number | null
}

/** Reports that are likely about one detention: the same station, received close together. */
export type SurgeGroup = { station: string; from: Date; to: Date; reports: SurgeReport[]; joined: boolean }

/**
 * Groups reports by station key, then splits each station's reports where two received in a row are
 * more than 3 hours apart. Reports already joined keep their group whatever the station. Only groups
 * of two or more are returned, largest first.
 */
export function groupReports(reports: SurgeReport[]): SurgeGroup[] {
  const groups: SurgeGroup[] = []
  const joined = new Map<string, SurgeReport[]>()
  const byStation = new Map<string, SurgeReport[]>()
  for (const report of reports) {
    if (report.groupId) {
      joined.set(report.groupId, [...(joined.get(report.groupId) ?? []), report])
      continue
    }
    const key = stationKey(report.station)
    if (!key) continue
    byStation.set(key, [...(byStation.get(key) ?? []), report])
  }
  const group = (list: SurgeReport[], isJoined: boolean): SurgeGroup => ({
    station: list.find((report) => report.station)?.station ?? '',
    from: list[0]!.receivedAt,
    to: list[list.length - 1]!.receivedAt,
    reports: list,
    joined: isJoined,
  })
  for (const list of joined.values()) groups.push(group(list.sort(byTime), true))
  for (const list of byStation.values()) {
    let run: SurgeReport[] = []
    for (const report of list.sort(byTime)) {
      const last = run[run.length - 1]
      if (last && report.receivedAt.getTime() - last.receivedAt.getTime() > WINDOW_MS) {
        if (run.length > 1) groups.push(group(run, false))
        run = []
      }
      run.push(report)
    }
    if (run.length > 1) groups.push(group(run, false))
  }
  return groups.sort((a, b) => b.reports.length - a.reports.length || a.from.getTime() - b.from.getTime())
}

function byTime(a: SurgeReport, b: SurgeReport): number {
  return a.receivedAt.getTime() - b.receivedAt.getTime() || a.id.localeCompare(b.id)
}

// A report's content for the list; one that is not its own (see report-lock.ts) shows as unreadable here,
// and is refused when opened.
function surgeContent(locked: ReportLock, sealed: Buffer): ReportContent | null {
  try {
    const plain = unlock(locked, 'content', 'desk', sealed)
    return plain ? contentOf(locked, plain) : null
  } catch (error) {
    if (isReportMismatch(error)) return null
    throw error
  }
}

/** The surge groups among the open detention reports of `reader`'s desks in the last `hours`. */
export async function surgeGroups(db: Db, reader: KeyHolder, hours = SURGE_HOURS): Promise<SurgeGroup[]> {
  const rows = await db
    .selectFrom('helpdesk_reports as r')
    .leftJoin('users as u', 'u.id', 'r.assignee_id')
    .select([
      'r.id',
      'r.received_at',
      'r.status',
      'r.group_id',
      'r.content_id',
      'r.erasure_key',
      'r.lock_version',
      'u.display_name',
    ])
    .where('r.desk_id', 'in', memberDesks(db, reader.userId))
    .where('r.form', '=', 'detained')
    .where('r.status', '<>', 'closed')
    .where('r.received_at', '>', new Date(Date.now() - hours * 3_600_000))
    .orderBy('r.received_at', 'desc')
    .limit(SURGE_LIMIT)
    .execute()
  const opened = await openRecords(db, {
    recordIds: rows.map((row) => row.content_id),
    reader,
    reason: 'helpdesk.surge',
  })
  const locks = await Promise.all(rows.map((row) => reportLock(db, row)))
  const reports = rows.map((row, index): SurgeReport => {
    const sealed = opened.get(row.content_id)
    const content = sealed ? surgeContent(locks[index]!, sealed) : null
    return {
      id: row.id,
      receivedAt: row.received_at,
      status: row.status,
      assigneeName: row.display_name,
      groupId: row.group_id,
      station: content?.form === 'detained' ? content.station : '',
      people: content?.form === 'detained' ? (content.people ?? null) : null,
    }
  })
  return groupReports(reports)
}
