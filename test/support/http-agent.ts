/**
 * A browser-like client over real HTTP: keeps cookies between requests, whichever server answers
 * (as behind a proxy in front of several app nodes), and fills in the CSRF token from the last page.
 * For tests that drive separate server processes; within one process, agent.ts injects instead.
 */
import { encodeForm } from './agent.ts'

/** What a test reads of a response. */
export type HttpResponse = { statusCode: number; headers: Headers; body: string }

/** A visitor with its cookies and the CSRF token of the last page it saw. */
export type HttpAgent = {
  cookies: Map<string, string>
  csrf: string
  /** Sends a request to `base` (a server's URL) + `path`; redirects are not followed. */
  send(
    base: string,
    method: string,
    path: string,
    body?: string | Buffer,
    headers?: Record<string, string>,
  ): Promise<HttpResponse>
  get(base: string, path: string): Promise<HttpResponse>
  /** Posts a form with the last page's CSRF token. */
  post(base: string, path: string, form?: Record<string, string | string[]>): Promise<HttpResponse>
}

/** A new visitor with no cookies, speaking `language`. */
export function httpAgent(language = 'en'): HttpAgent {
  const cookies = new Map<string, string>()
  const self: HttpAgent = {
    cookies,
    csrf: '',
    async send(base, method, path, body, headers = {}) {
      const response = await fetch(`${base}${path}`, {
        method,
        body: typeof body === 'string' || body === undefined ? body : new Uint8Array(body),
        redirect: 'manual',
        headers: {
          'accept-language': language,
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          ...headers,
        },
      })
      for (const line of response.headers.getSetCookie()) {
        const [pair = '', ...attributes] = line.split(';')
        const at = pair.indexOf('=')
        const name = pair.slice(0, at).trim()
        const value = pair.slice(at + 1).trim()
        const expired =
          value === '' ||
          attributes.some((attribute) => /^\s*max-age=0\s*$/i.test(attribute)) ||
          attributes.some((attribute) => {
            const match = /^\s*expires=(.*)$/i.exec(attribute)
            return match ? new Date(match[1]!).getTime() <= Date.now() : false
          })
        if (expired) cookies.delete(name)
        else cookies.set(name, value)
      }
      const text = await response.text()
      const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1]
      if (token) self.csrf = token
      return { statusCode: response.status, headers: response.headers, body: text }
    },
    get: (base, path) => self.send(base, 'GET', path),
    post: (base, path, form = {}) =>
      self.send(base, 'POST', path, encodeForm({ _csrf: self.csrf, ...form }), {
        'content-type': 'application/x-www-form-urlencoded',
      }),
  }
  return self
}
