#!/usr/bin/python3
"""Serves real Flask-CORS 3.0.10 apps, one per configuration, for
flaskcors_test.go (the differential test of the engine's "flask-cors"
emulation); with --path DIR, the Flask-CORS found in DIR instead (the
vendored 6.0.2 for flaskcors6_test.go).

Run with Debian's /usr/bin/python3 (python3-flask-cors, python3-flask). It
listens on a loopback port the OS chooses and prints "PORT <n>" on its first
line of standard output. It exits when its standard input closes, so it
cannot outlive the Go test that started it.

  POST /configure  body {"options": {...}}  (the CORS(app, **options) kwargs)
      -> {"id": "3", "warnings": ["Unknown option passed to Flask-CORS: headers"]}
      or {"error": "<str(exception)>", "type": "ValueError"} when CORS() raises
  ANY  /app/<id>/<path>  is served by that configuration's Flask app, whose
      only route is "/<path>" with methods=[GET, POST, PUT, PATCH, DELETE]
      (no OPTIONS: Flask's automatic OPTIONS answers preflights).
  POST /re  body {"pattern": "..."}  -> {"ok": true} when Python's
      re.compile(pattern, re.IGNORECASE) accepts it, else {"ok": false, "error": ...}
  GET  /version  -> {"flask_cors": version.py's, "file": the package's __init__.py,
      "private_network": whether core.py knows Access-Control-Allow-Private-Network}
"""
import json
import logging
import os
import re
import sys
import threading

if len(sys.argv) == 3 and sys.argv[1] == "--path":
    sys.path.insert(0, sys.argv[2])

try:
    from flask import Flask
    import flask_cors
    from flask_cors import CORS
    from flask_cors.version import __version__ as FLASK_CORS_VERSION
    from werkzeug.serving import make_server
except ImportError as exc:  # the Go test turns this into an install hint
    print("IMPORT-ERROR %s" % exc, flush=True)
    sys.exit(3)

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

logging.getLogger("werkzeug").setLevel(logging.ERROR)


class Capture(logging.Handler):
    """Collects what flask_cors logs at WARNING and above."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


CORS_LOG = logging.getLogger("flask_cors")
CORS_LOG.propagate = False
CORS_LOG.setLevel(logging.WARNING)

apps = {}
lock = threading.Lock()


def view(p=""):
    return "ok"


def configure(options):
    with lock:
        n = str(len(apps) + 1)
        app = Flask("flaskcors_cfg_" + n)
        app.add_url_rule("/", "root", view, methods=METHODS)
        app.add_url_rule("/<path:p>", "any", view, methods=METHODS)
        capture = Capture()
        CORS_LOG.addHandler(capture)
        try:
            CORS(app, **options)
        except Exception as exc:  # the configuration the library refuses
            return {"error": str(exc), "type": type(exc).__name__}
        finally:
            CORS_LOG.removeHandler(capture)
        apps[n] = app
        return {"id": n, "warnings": capture.messages}


def reply(start_response, status, obj):
    body = json.dumps(obj).encode()
    start_response(status, [("Content-Type", "application/json"),
                            ("Content-Length", str(len(body)))])
    return [body]


def dispatch(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/configure" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        req = json.loads(environ["wsgi.input"].read(size))
        return reply(start_response, "200 OK", configure(req.get("options", {})))
    if path == "/re" and environ["REQUEST_METHOD"] == "POST":
        size = int(environ.get("CONTENT_LENGTH") or 0)
        req = json.loads(environ["wsgi.input"].read(size))
        try:
            re.compile(req["pattern"], re.IGNORECASE)
            return reply(start_response, "200 OK", {"ok": True})
        except Exception as exc:
            return reply(start_response, "200 OK", {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)})
    if path == "/version":
        return reply(start_response, "200 OK", {"flask_cors": FLASK_CORS_VERSION, "file": flask_cors.__file__,
                                                "private_network": hasattr(flask_cors.core, "ACL_RESPONSE_PRIVATE_NETWORK")})
    parts = path.split("/", 3)  # "", "app", id, rest
    if len(parts) >= 3 and parts[1] == "app" and parts[2] in apps:
        environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + "/app/" + parts[2]
        environ["PATH_INFO"] = "/" + (parts[3] if len(parts) > 3 else "")
        return apps[parts[2]](environ, start_response)
    return reply(start_response, "404 Not Found", {"error": "no such app"})


def exit_when_stdin_closes():
    sys.stdin.buffer.read()
    os._exit(0)


def main():
    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    threading.Thread(target=exit_when_stdin_closes, daemon=True).start()
    print("PORT %d" % server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
