/** Formatting for benchmark output: fixed-width tables and numbers people can read at a glance. */

/**
 * A table whose columns are as wide as their widest cell: the first left-aligned, the others
 * right-aligned, under a header and a rule.
 */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((_, i) => Math.max(...[header, ...rows].map((cells) => (cells[i] ?? '').length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd()
  const rule = '-'.repeat(widths.reduce((total, width) => total + width + 2, -2))
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** A number with a fixed count of decimals, or a dash when there is none. */
export function num(value: number | undefined, decimals = 0): string {
  return value === undefined || !Number.isFinite(value) ? '—' : value.toFixed(decimals)
}

/** a / b as a ratio with two decimals, or a dash when either is missing. */
export function ratio(a: number | undefined, b: number | undefined): string {
  return a === undefined || b === undefined || !b ? '—' : (a / b).toFixed(2)
}

/** The median of some numbers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}
