/**
 * Public counts that can't single anyone out. A count from 1 to 4 is shown as "fewer than 5": a single
 * request from a small place on a given day could tell someone that a family they know wrote in.
 * Counts that could be subtracted from one another (regions against a total, this month against the
 * last) are also rounded to the nearest 5, which leaves every difference uncertain by more than a
 * hidden count's range. For the help desk's counts, and any intake's that publishes how many wrote.
 */

/** Counts below this are not shown exactly. */
export const SMALLEST_SHOWN = 5
/** Rounded counts are rounded to a multiple of this. */
export const COUNT_ROUNDING = 5

/** A count as published: the number, or null for "fewer than SMALLEST_SHOWN" (but more than none). */
export type ShownCount = number | null

/** A count shown exactly from SMALLEST_SHOWN up (a day's). */
export function shownExact(value: number): ShownCount {
  return value > 0 && value < SMALLEST_SHOWN ? null : value
}

/** A count rounded to the nearest COUNT_ROUNDING (halves up), small ones hidden (a region's). */
export function shownRounded(value: number): ShownCount {
  if (value > 0 && value < SMALLEST_SHOWN) return null
  return Math.round(value / COUNT_ROUNDING) * COUNT_ROUNDING
}
