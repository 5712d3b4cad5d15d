/**
 * When a message was sent, as the thread shows it. A writer's time is kept only to its ten-minute window
 * (platform/coarse-time.ts); shown as the window's start alone it would read as earlier than a desk reply
 * sent inside the same window before it, so it is shown as the whole window ("14:20–14:30").
 */
import { COARSE_MS } from '../../../platform/coarse-time.ts'
import { dateFormat, formatDateTime, type Locale } from '../../../platform/i18n.ts'
import type { MessageAuthor } from '../tables.ts'

/** "7 Dec 2026, 14:20–14:30": the ten-minute window starting at `start`, in the page's language. */
export function formatWindow(start: Date, locale: Locale): string {
  return dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).formatRange(
    start,
    new Date(start.getTime() + COARSE_MS),
  )
}

/** A message's time: the writer's as its window, the desk's to the minute. */
export function messageTime(author: MessageAuthor, sentAt: Date, locale: Locale): string {
  return author === 'writer' ? formatWindow(sentAt, locale) : formatDateTime(sentAt, locale)
}
