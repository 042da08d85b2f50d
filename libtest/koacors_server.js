// koacors_server.js: the real @koa/cors 5.0.0 on koa 3.3.0, for
// libtest/koacors_test.go. It listens on a loopback port chosen by the OS
// and prints that port on stdout.
//
//   POST /configure   body: the JSON options given to cors()
//                     -> 200 {"id": "3"}, or {"error": "..."}
//   ANY  /app/<id>/…  is handled by configuration <id>'s koa app, which
//                     sees the rest of the path as its own URL.
//
// Each configuration is its own app, as its author would write it:
//
//   const app = new Koa()
//   app.use(cors(options))
//   app.use((ctx) => {
//     if (ctx.path === '/boom') throw new Error('boom')
//     if (ctx.path === '/r' && ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(ctx.method)) ctx.body = 'ok'
//   })  // anything else falls to koa's own 404
//
// app.silent only keeps the 500s' stack traces off stderr.
'use strict';

const path = require('path');
const { serve } = require('./nodeharness.js');

const modules = path.join(__dirname, '..', 'node_modules');
const Koa = require(path.join(modules, 'koa'));
const cors = require(path.join(modules, '@koa', 'cors'));

function build(options) {
  const app = new Koa();
  app.silent = true;
  app.use(cors(options));
  app.use((ctx) => {
    if (ctx.path === '/boom') throw new Error('boom');
    if (ctx.path === '/r' && ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'].includes(ctx.method)) ctx.body = 'ok';
  });
  return app.callback();
}

serve(build);
