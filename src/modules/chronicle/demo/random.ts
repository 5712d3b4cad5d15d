/** A small seeded random source, so `lifeline demo --seed N` makes the same chronicle every time. */

/** Random numbers from a seed (mulberry32: fast, 32-bit state, good enough for synthetic data). */
export type Random = {
  /** A float in [0, 1). */
  next(): number
  /** An integer in [min, max]. */
  int(min: number, max: number): number
  /** True with probability `p`. */
  chance(p: number): boolean
  /** One item, uniformly. */
  pick<T>(items: readonly T[]): T
  /** One item by weight. */
  weighted<T>(table: Weighted<T>): T
}

/** Items with their cumulative weights, built once by `weights`. */
export type Weighted<T> = { items: T[]; cumulative: number[]; total: number }

/** A weighted table from [item, weight] pairs. */
export function weights<T>(pairs: readonly (readonly [T, number])[]): Weighted<T> {
  const items: T[] = []
  const cumulative: number[] = []
  let total = 0
  for (const [item, weight] of pairs) {
    total += weight
    items.push(item)
    cumulative.push(total)
  }
  return { items, cumulative, total }
}

/** A random source seeded with `seed`. */
export function seeded(seed: number): Random {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted: (table) => {
      const target = next() * table.total
      let low = 0
      let high = table.cumulative.length - 1
      while (low < high) {
        const mid = (low + high) >>> 1
        if (table.cumulative[mid]! > target) high = mid
        else low = mid + 1
      }
      return table.items[low]!
    },
  }
}
