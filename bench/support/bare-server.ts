/**
 * The baseline: a bare node:http server answering each benchmarked path with a constant body (a copy
 * of the real page, so the same size) and the same content type. Run as its own process:
 * `node bare-server.ts <port> <path>=<file> …`.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'

const [port, ...routes] = process.argv.slice(2)
const bodies = new Map(
  routes.map((route) => {
    const at = route.indexOf('=')
    return [route.slice(0, at), readFileSync(route.slice(at + 1))] as const
  }),
)

createServer((request, response) => {
  const body = bodies.get(request.url ?? '/')
  if (!body) {
    response.writeHead(404).end()
    return
  }
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length })
  response.end(body)
}).listen(Number(port), '127.0.0.1')
