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
const { origins, serve } = require('./nodeharness.js')

const modules = path.join(__dirname, '..', 'node_modules')
const Fastify = require(path.join(modules, 'fastify'))
const cors = require(path.join(modules, '@fastify/cors'))

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

serve(build)
