// honocors_server.mjs: the real hono 4.13.23 with hono/cors, for
// libtest/honocors_test.go, driven line by line: each line on stdin is one
// JSON command, answered by one JSON line on stdout, in order.
//
//   {"configure": {...options}}  -> {"id": "1"}: builds the app
//         const app = new Hono()
//         app.use('*', cors(options))
//         app.on(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], '/r', (c) => c.text('ok'))
//   {"load": "/abs/path/app.mjs"} -> {"id": "2"}: an exported program; its
//         default export is the app
//   {"id": "1", "method": "GET", "path": "/r", "headers": [["Origin", "…"]]}
//         -> {"status": 200, "headers": [["name", "value"], …]}: what
//         await app.request(path, { method, headers }) resolves to, its
//         headers as the Headers object yields them; or {"throws": "…"}
//         when the call throws (Fetch refuses the method or a header).
//
// Any error building an app is {"error": "…"}.
import path from 'node:path'
import readline from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'

const modules = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules')
const { Hono } = await import(pathToFileURL(path.join(modules, 'hono', 'dist', 'index.js')))
const { cors } = await import(pathToFileURL(path.join(modules, 'hono', 'dist', 'middleware', 'cors', 'index.js')))

console.error = () => {} // hono's errorHandler logs the errors behind its 500s

const apps = new Map()
let next = 0

async function handle(cmd) {
  if ('configure' in cmd) {
    const app = new Hono()
    app.use('*', cors(cmd.configure))
    app.on(['GET', 'POST', 'PUT', 'DELETE', 'PATCH'], '/r', (c) => c.text('ok'))
    apps.set(String(++next), app)
    return { id: String(next) }
  }
  if ('load' in cmd) {
    const mod = await import(pathToFileURL(cmd.load))
    apps.set(String(++next), mod.default)
    return { id: String(next) }
  }
  let res
  try {
    res = await apps.get(cmd.id).request(cmd.path, { method: cmd.method, headers: cmd.headers })
  } catch (err) {
    return { throws: String(err) }
  }
  await res.arrayBuffer()
  return { status: res.status, headers: [...res.headers] }
}

const rl = readline.createInterface({ input: process.stdin })
for await (const line of rl) {
  let out
  try {
    out = await handle(JSON.parse(line))
  } catch (err) {
    out = { error: String(err && err.stack || err) }
  }
  process.stdout.write(JSON.stringify(out) + '\n')
}
