// fastifycors_server.js: the real @fastify/cors 11.4.3 on fastify 5.12.8,
// for libtest/fastifycors_test.go. It listens on a loopback port chosen by
// the OS and prints that port on stdout.
//
//   POST /configure   body: the JSON options given to register(cors, …)
//                     -> 200 {"id": "3"}, or 200 {"error": "..."} when
//                        register or ready fails (the configError)
//   ANY  /app/<id>/…  is handled by configuration <id>'s fastify instance,
//                     which sees the rest of the path as its own URL.
//
// Each configuration is a complete app, as its author would write it:
//
//   const fastify = Fastify({ serverFactory })
//   fastify.register(cors, options)
//   fastify.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'],
//                   url: '/r', handler: async () => 'ok' })
//   await fastify.ready()
//
// serverFactory only keeps fastify's own request handler (and returns a
// server that never listens); this one loopback server calls it, so hooks,
// routing, the OPTIONS * route the plugin adds and the error replies are
// fastify's own, and Node's HTTP server writes the answer.
//
// In the options, origin (or an element of an origin array) may be
// {"regexp": "pattern", "flags": "i"}: it becomes new RegExp(pattern,
// flags), as a regex literal in the app's source would be.
'use strict'

const http = require('http')
const path = require('path')

const modules = path.join(__dirname, '..', 'node_modules')
const Fastify = require(path.join(modules, 'fastify'))
const cors = require(path.join(modules, '@fastify/cors'))

// isRegExpForm reports whether v is {"regexp": string[, "flags": string]}.
function isRegExpForm (v) {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  if (typeof v.regexp !== 'string') return false
  for (const k of Object.keys(v)) {
    if (k === 'regexp') continue
    if (k === 'flags' && typeof v.flags === 'string') continue
    return false
  }
  return true
}

// origins turns the RegExp forms of an origin value into RegExps.
function origins (v) {
  if (Array.isArray(v)) return v.map(origins)
  if (isRegExpForm(v)) return new RegExp(v.regexp, v.flags === undefined ? '' : v.flags)
  return v
}

async function build (options) {
  if (options !== null && typeof options === 'object' && Object.prototype.hasOwnProperty.call(options, 'origin')) {
    options.origin = origins(options.origin)
  }
  let handler
  const fastify = Fastify({
    serverFactory: (h) => {
      handler = h
      return http.createServer()
    }
  })
  fastify.register(cors, options)
  fastify.route({ method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], url: '/r', handler: async () => 'ok' })
  await fastify.ready()
  return handler
}

const apps = new Map()
let next = 0

function reply (res, out) {
  const body = JSON.stringify(out)
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
  res.end(body)
}

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/configure') {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      let options
      try {
        options = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch (err) {
        reply(res, { error: 'bad JSON: ' + err.message })
        return
      }
      build(options).then((handler) => {
        const id = String(++next)
        apps.set(id, handler)
        reply(res, { id })
      }, (err) => reply(res, { error: err.message }))
    })
    return
  }
  const m = /^\/app\/([0-9]+)(\/.*)?$/.exec(req.url)
  const handler = m && apps.get(m[1])
  if (!handler) {
    res.writeHead(599, { 'Content-Length': '0' })
    res.end()
    return
  }
  req.url = m[2] || '/'
  handler(req, res)
})

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n')
})
// The test kills us; also stop when it closes our stdin.
process.stdin.on('end', () => process.exit(0))
process.stdin.resume()
