/** The part of autocannon's programmatic API the benchmarks use (the package ships no types). */
declare module 'autocannon' {
  /** One request template; setupRequest may change it before each send. */
  export type RequestTemplate = {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
    setupRequest?: (request: RequestTemplate, context: Record<string, unknown>) => RequestTemplate
  }

  /** What a run is told. */
  export type Options = {
    url: string
    connections?: number
    pipelining?: number
    duration?: number
    timeout?: number
    headers?: Record<string, string>
    requests?: RequestTemplate[]
  }

  /** A distribution autocannon reports (latency in ms, requests and bytes per second). */
  export type Histogram = {
    average: number
    mean: number
    stddev: number
    min: number
    max: number
    total: number
    p50: number
    p90: number
    p99: number
  }

  /** The outcome of a run. */
  export type Result = {
    requests: Histogram
    latency: Histogram
    throughput: Histogram
    errors: number
    timeouts: number
    non2xx: number
    '2xx': number
    duration: number
  }

  /** A running load test: resolves with its result, and tells each response as it comes. */
  export type Running = Promise<Result> & {
    on(
      event: 'response',
      listener: (client: unknown, status: number, bytes: number, ms: number) => void,
    ): Running
  }

  /** Runs a load test. */
  export default function autocannon(options: Options): Running
}
