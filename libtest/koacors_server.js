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

const http = require('http');
const path = require('path');

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

const apps = new Map();
let next = 0;

const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/configure') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let out;
      try {
        const id = String(++next);
        apps.set(id, build(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        out = { id };
      } catch (err) {
        out = { error: err.message };
      }
      const body = JSON.stringify(out);
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
    });
    return;
  }
  const m = /^\/app\/([0-9]+)(\/.*)?$/.exec(req.url);
  const app = m && apps.get(m[1]);
  if (!app) {
    res.writeHead(599, { 'Content-Length': '0' });
    res.end();
    return;
  }
  req.url = m[2] || '/';
  app(req, res);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
// The test kills us; also stop when it closes our stdin.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
