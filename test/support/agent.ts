/**
 * A browser-like client over `app.inject`: keeps cookies between requests and fills in the CSRF
 * token from the last page, so tests read like a person using the site.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/** A cookie-keeping client for one visitor. */
export type Agent = {
  cookies: Map<string, string>
  /** The CSRF token from the last HTML page seen. */
  csrf: string
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  post(
    url: string,
    form?: Record<string, string | string[]>,
    options?: { csrf?: string | null },
  ): Promise<LightMyRequestResponse>
  send(
    method: string,
    url: string,
    body: string | Buffer,
    headers: Record<string, string>,
  ): Promise<LightMyRequestResponse>
}

/** Encodes a form the way a browser does, repeating keys for arrays. */
export function encodeForm(form: Record<string, string | string[]>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(form)) {
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, item)
  }
  return params.toString()
}

/** A new visitor with no cookies, speaking `language`, from loopback or from `address`. */
export function agent(app: FastifyInstance, language = 'en', options: { address?: string } = {}): Agent {
  const cookies = new Map<string, string>()
  const self: Agent = {
    cookies,
    csrf: '',
    async send(method, url, body, headers) {
      const response = await app.inject({
        method: method as 'POST',
        url,
        payload: body,
        ...(options.address ? { remoteAddress: options.address } : {}),
        headers: {
          'accept-language': language,
          cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
          ...headers,
        },
      })
      for (const cookie of response.cookies as {
        name: string
        value: string
        maxAge?: number
        expires?: Date
      }[]) {
        const expired = cookie.value === '' || (cookie.expires && cookie.expires.getTime() <= Date.now())
        if (expired) cookies.delete(cookie.name)
        else cookies.set(cookie.name, cookie.value)
      }
      const token = /name="_csrf" value="([^"]+)"/.exec(response.body)?.[1]
      if (token) self.csrf = token
      return response
    },
    get: (url, headers = {}) => self.send('GET', url, '', headers),
    async post(url, form = {}, options = {}) {
      if (!self.csrf && options.csrf === undefined) await self.get('/login')
      const csrf = options.csrf === undefined ? self.csrf : options.csrf
      const body = encodeForm(csrf === null ? form : { _csrf: csrf, ...form })
      return self.send('POST', url, body, { 'content-type': 'application/x-www-form-urlencoded' })
    },
  }
  return self
}
