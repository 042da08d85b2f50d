// nodeharness.js: what the Node libraries' harness servers share
// (expresscors_server.js, fastifycors_server.js, koacors_server.js; see
// nodeharness_test.go for the Go side). serve(build) listens on a loopback
// port chosen by the OS and prints that port on stdout:
//
//   POST /configure   body: the JSON options
//                     -> 200 {"id": "3"}, or 200 {"error": "..."} when
//                        build(options) throws or its promise rejects
//   ANY  /app/<id>/…  is handled by configuration <id>'s handler (what
//                     build returned or resolved to), which sees the rest
//                     of the path as its own URL.
//
// It stops when the test closes its stdin (or kills it).
'use strict'

const http = require('http')

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

// origins turns the RegExp forms of an origin value (at any depth of
// arrays) into RegExps, as regex literals in the app's source would be.
function origins (v) {
  if (Array.isArray(v)) return v.map(origins)
  if (isRegExpForm(v)) return new RegExp(v.regexp, v.flags === undefined ? '' : v.flags)
  return v
}

function serve (build) {
  const apps = new Map()
  let next = 0
  const reply = (res, out) => {
    const body = JSON.stringify(out)
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) })
    res.end(body)
  }
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/configure') {
      const chunks = []
      req.on('data', (c) => chunks.push(c))
      req.on('end', () => {
        Promise.resolve().then(() => build(JSON.parse(Buffer.concat(chunks).toString('utf8')))).then((handler) => {
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
  process.stdin.on('end', () => process.exit(0))
  process.stdin.resume()
}

module.exports = { origins, serve }
