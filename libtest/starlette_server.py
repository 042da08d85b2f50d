#!/usr/bin/python3
"""Answers requests with the real Starlette 0.26.1 CORSMiddleware, for
starlette_test.go (the differential test of the engine's "starlette"
emulation).

Run with Debian's /usr/bin/python3 (python3-starlette) and PYTHONHASHSEED=0
(the 405's allow header comes from a set). It reads one JSON object per
line on standard input and writes one JSON line per request on standard
output; it exits when standard input closes.

  {"options": {...}, "method": "GET", "url": "http://testserver/r?q",
   "headers": [["Origin", "https://a.example"], ...]}
  -> {"status": 200, "headers": [["content-length", "2"], ...]}
     {"status": 500, ..., "exception": "UnicodeEncodeError"} when the app
     raised after ServerErrorMiddleware answered
     {"configError": "<str(exception)>", "type": "TypeError"} when nothing
     was answered: the middleware stack could not be built
  {"version": true} -> {"starlette": "0.26.1", "python": "3.11.2"}
  {"literal": "<Python expression>"} -> {"value": ast.literal_eval of it}
     or {"error": "..."} (how Import's reading of literals is checked)

Header values travel as Latin-1 text (one character per byte). Each request
gets a fresh app and ONE raw ASGI call (no socket, no test client), with an
HTTP/1.1 scope whose header names are lower-cased as ASGI servers do and a
host header from the URL when the request has none.
"""
import ast
import asyncio
import json
import platform
import sys
from urllib.parse import unquote, urlsplit

try:
    import starlette
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.cors import CORSMiddleware
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route
except ImportError as exc:  # the Go test turns this into an install hint
    print(json.dumps({"importError": str(exc)}), flush=True)
    sys.exit(3)

METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH"]


async def ok(request):
    return PlainTextResponse("ok")


def build(options):
    return Starlette(routes=[Route("/r", ok, methods=METHODS)],
                     middleware=[Middleware(CORSMiddleware, **options)])


def scope_for(method, url, headers):
    u = urlsplit(url)
    raw = [(k.encode("latin-1").lower(), v.encode("latin-1")) for k, v in headers]
    if not any(k == b"host" for k, _ in raw):
        raw.insert(0, (b"host", u.netloc.encode("latin-1")))
    port = u.port or {"http": 80, "https": 443}[u.scheme]
    return {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": method, "scheme": u.scheme,
        "path": unquote(u.path or "/"), "raw_path": (u.path or "/").encode("latin-1"),
        "query_string": u.query.encode("latin-1"), "root_path": "", "headers": raw,
        "client": ("127.0.0.1", 50000), "server": (u.hostname, port),
    }


async def call(app, scope):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    exc = None
    try:
        await app(scope, receive, send)
    except Exception as e:  # ServerErrorMiddleware re-raises after its 500
        exc = e
    return sent, exc


def answer(loop, req):
    if "literal" in req:
        try:
            value = ast.literal_eval(req["literal"])
            json.dumps(value)  # tuples become lists; bytes and sets fail
            return {"value": value}
        except Exception as exc:
            return {"error": "%s: %s" % (type(exc).__name__, exc)}
    if "version" in req:
        return {"starlette": starlette.__version__, "python": platform.python_version()}
    app = build(req.get("options", {}))
    sent, exc = loop.run_until_complete(call(app, scope_for(req["method"], req["url"], req["headers"])))
    start = [m for m in sent if m["type"] == "http.response.start"]
    if not start:
        return {"configError": str(exc), "type": type(exc).__name__}
    out = {"status": start[0]["status"],
           "headers": [[k.decode("latin-1"), v.decode("latin-1")] for k, v in start[0]["headers"]]}
    if exc is not None:
        out["exception"] = type(exc).__name__
    return out


def main():
    loop = asyncio.new_event_loop()
    for line in sys.stdin:
        if line.strip():
            sys.stdout.write(json.dumps(answer(loop, json.loads(line))) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
