// expresscors_server.js: the real expressjs/cors 2.8.6 on Express 5, for
// libtest/expresscors_test.go. It listens on a loopback port chosen by the
// OS and prints that port on stdout.
//
//   POST /configure   body: the JSON options given to cors()
//                     -> 200 {"id": "3"}, or 200 {"error": "..."} when the
//                        options cannot be built (an invalid RegExp)
//   ANY  /app/<id>/…  is handled by configuration <id>'s Express app, which
//                     sees the rest of the path as its own URL.
//
// Each configuration is a complete app, as its author would write it:
//
//   const app = express()
//   app.use(cors(options))
//   app.<method>('/{*path}', (req, res) => res.status(200).end())  // every
//                                          // method Node parses but OPTIONS
//
// so a route answers 200 without headers to every method on every path, and
// an OPTIONS request the middleware passes on (preflightContinue, or CORS
// disabled) reaches Express's automatic OPTIONS answer.
//
// In the options, origin (or an element of an origin array, at any depth)
// may be {"regexp": "pattern", "flags": "i"}: it becomes new RegExp(pattern,
// flags), as a regex literal in the app's source would be.
'use strict';

const http = require('http');
const path = require('path');
const { origins, serve } = require('./nodeharness.js');

const modules = path.join(__dirname, '..', 'node_modules');
const express = require(path.join(modules, 'express'));
const cors = require(path.join(modules, 'cors'));

function build(options) {
  if (options !== null && typeof options === 'object' && Object.prototype.hasOwnProperty.call(options, 'origin')) {
    options.origin = origins(options.origin);
  }
  const app = express();
  app.set('env', 'test'); // no stack traces on stderr for the 500s
  app.use(cors(options));
  const ok = (req, res) => res.status(200).end();
  for (const m of http.METHODS) {
    const name = m.toLowerCase();
    if (name === 'options' || name === 'connect' || typeof app[name] !== 'function') continue;
    app[name]('/{*path}', ok);
  }
  return app;
}

serve(build);
