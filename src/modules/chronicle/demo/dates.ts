/**
 * When demo events happen: every day from the full-scale invasion on, most in its first weeks and
 * fading after, with spikes on the days people came out in numbers.
 */
import { weights } from './random.ts'

/** The first and last day of the demo chronicle. */
export const FIRST_DAY = '2022-02-24'
export const LAST_DAY = '2025-12-31'

/** Days when far more happened than usual, and how many times more. */
export const protestDays: Record<string, number> = {
  '2022-02-24': 120, // the invasion: protests in dozens of cities
  '2022-02-25': 40,
  '2022-02-26': 30,
  '2022-02-27': 50, // after Nemtsov's memorial day
  '2022-02-28': 20,
  '2022-03-02': 30,
  '2022-03-06': 150, // the largest day: thousands detained
  '2022-03-13': 60,
  '2022-04-02': 25,
  '2022-05-09': 15,
  '2022-09-21': 110, // mobilisation announced
  '2022-09-24': 50,
  '2022-09-25': 40, // Dagestan
  '2022-09-26': 20,
  '2023-01-20': 10, // flowers to Lesya Ukrainka's monument after the strike on Dnipro
  '2024-02-16': 40, // Navalny's death
  '2024-02-17': 40,
  '2024-02-18': 20,
  '2024-03-01': 30, // his funeral
  '2024-03-17': 20, // "Noon against Putin"
}

const DAY_MS = 86_400_000

function allDays(): [string, number][] {
  const first = Date.parse(`${FIRST_DAY}T00:00:00Z`)
  const last = Date.parse(`${LAST_DAY}T00:00:00Z`)
  const days: [string, number][] = []
  for (let at = first; at <= last; at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10)
    const since = (at - first) / DAY_MS
    // The first months were the most intense; later, fewer street actions, more cases in court.
    const base = 1 + 6 * Math.exp(-since / 120)
    days.push([day, base * (protestDays[day] ?? 1)])
  }
  return days
}

/** Days by how likely an event falls on them. */
export const days = weights(allDays())

/** True on a day in `protestDays`. */
export function isSpike(day: string): boolean {
  return day in protestDays
}
