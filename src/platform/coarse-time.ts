/**
 * Coarse time: what is kept of when a person wrote in confidence. An exact time could be matched to
 * a network log (who connected to the onion service or the proxy at 13:17:59.766); ten minutes hides
 * a writer among everyone who wrote in the same window. Rows, files and log lines a writer causes
 * carry only these times.
 */

/** The width of the windows times are kept to. */
export const COARSE_MS = 10 * 60_000

/** The start of the ten-minute window `at` falls in. */
export function coarseFloor(at = new Date()): Date {
  return new Date(Math.floor(at.getTime() / COARSE_MS) * COARSE_MS)
}

/** The end of the ten-minute window `at` falls in (itself when on a boundary): for expiry times. */
export function coarseCeil(at: Date): Date {
  return new Date(Math.ceil(at.getTime() / COARSE_MS) * COARSE_MS)
}

/** Whether `at` is on a window's boundary, i.e. says nothing finer than the window. */
export function isCoarse(at: Date): boolean {
  return at.getTime() % COARSE_MS === 0
}

/**
 * Calls `callback` just after each window's boundary until the returned stop is called. The timer
 * does not keep the process alive.
 */
export function onEachWindow(callback: () => void): () => void {
  let timer: NodeJS.Timeout
  const schedule = () => {
    timer = setTimeout(
      () => {
        callback()
        schedule()
      },
      COARSE_MS - (Date.now() % COARSE_MS),
    )
    timer.unref()
  }
  schedule()
  return () => clearTimeout(timer)
}
