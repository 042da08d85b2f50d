#!/usr/bin/python3
"""Answers requests with the real django-cors-headers 3.14.0 on Django
3.2.25, for djangocors_test.go (the differential test of the engine's
"django-cors-headers" emulation).

Run with Debian's /usr/bin/python3 (python3-django-cors-headers,
python3-django). One settings.configure(): CorsMiddleware first, then
CommonMiddleware, INSTALLED_APPS = ["corsheaders"], ALLOWED_HOSTS = ["*"],
DEBUG = False, no CORS_* setting; URL "r" is a class-based View answering
"ok" to GET, POST, PUT, PATCH and DELETE (Django adds HEAD and answers
OPTIONS itself).

It reads one JSON object a line on standard input and writes one JSON
object a line on standard output, until standard input closes:

  {"options": {...}, "method": "GET", "url": "https://api.example.com/r",
   "headers": [["Origin", "https://a.example"], ...]}
      -> {"checks": ["corsheaders.E013: ..."], "status": 200,
          "headers": [["Content-Type", "text/html; charset=utf-8"], ...]}
  {"settings_text": "CORS_... = ...", "method": ..., "url": ..., "headers": ...}
      -> the same answer, with the settings a settings.py block sets
  {"compile": PATTERN} -> {"ok": true} or {"ok": false, "error": "..."}
  {"exec": SETTINGS} -> {"settings": {"CORS_...": value}} (tuples as lists)
      or {"error": "..."}
  {"version": true} -> {"django": "3.2.25", "corsheaders": "3.14.0"}

Each case runs under override_settings(**options) with a fresh WSGIHandler
and an environ built as Django's runserver builds it (its
WSGIRequestHandler on wsgiref): leading slashes of the path collapsed to
one, PATH_INFO percent-decoded as Latin-1, header names with "_" dropped,
the others as HTTP_NAME, values stripped, repeats joined with ",". Header
values travel as Latin-1 strings both ways (the bytes on the wire). A Host
header is made from the URL when the request has none. "checks" are what
corsheaders.checks.check_settings() returns, "ID: message" (+ " HINT:
hint"), or the exception it raises ("ValueError: ..."). Recorded: the
status and the header list Django passes to start_response.
"""
import io
import json
import logging
import re
import sys
from importlib import metadata
from urllib.parse import unquote, urlsplit

try:
    import django
    from django.conf import settings
except ImportError as exc:  # the Go test turns this into an install hint
    print(json.dumps({"import_error": str(exc)}), flush=True)
    sys.exit(3)

settings.configure(
    DEBUG=False,
    SECRET_KEY="corsplay-libtest",
    ALLOWED_HOSTS=["*"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=["corsheaders"],
    MIDDLEWARE=[
        "corsheaders.middleware.CorsMiddleware",
        "django.middleware.common.CommonMiddleware",
    ],
    LOGGING_CONFIG=None,
)
try:
    django.setup()
    from corsheaders.checks import check_settings
except ImportError as exc:
    print(json.dumps({"import_error": str(exc)}), flush=True)
    sys.exit(3)

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from django.urls import path  # noqa: E402
from django.views import View  # noqa: E402

logging.disable(logging.CRITICAL)  # Django logs 404s, 405s and 500s


class R(View):
    def get(self, request):
        return HttpResponse("ok")

    post = put = patch = delete = get


urlpatterns = [path("r", R.as_view())]


def environ(method, url, headers):
    parts = urlsplit(url)
    target = url[len(parts.scheme) + 3 + len(parts.netloc):].split("#", 1)[0] or "/"
    if target.startswith("//"):  # http.server collapses them
        target = "/" + target.lstrip("/")
    p, _, query = target.partition("?")
    env = {
        "REQUEST_METHOD": method, "PATH_INFO": unquote(p, "iso-8859-1"), "QUERY_STRING": query,
        "SCRIPT_NAME": "", "SERVER_NAME": "localhost", "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1", "CONTENT_TYPE": "text/plain",
        "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    if not any(k.lower() == "host" for k, _ in headers):
        headers = [["Host", parts.netloc]] + headers
    for k, v in headers:
        if "_" in k:
            continue
        k = k.replace("-", "_").upper()
        v = v.strip()
        if k in env:
            continue
        if "HTTP_" + k in env:
            env["HTTP_" + k] += "," + v
        else:
            env["HTTP_" + k] = v
    return env


def checks():
    try:
        out = []
        for e in check_settings():
            s = "%s: %s" % (e.id, e.msg)
            if e.hint:
                s += " HINT: " + e.hint
            out.append(s)
        return out
    except Exception as exc:  # manage.py check would crash with this
        return ["%s: %s" % (type(exc).__name__, exc)]


def answer(req):
    if "compile" in req:
        try:
            re.compile(req["compile"])
            return {"ok": True}
        except Exception as exc:
            return {"ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}
    if "exec" in req:  # a settings block, run as Python runs settings.py
        ns = {"__file__": "settings.py"}
        try:
            exec(req["exec"], ns)
        except Exception as exc:
            return {"error": "%s: %s" % (type(exc).__name__, exc)}
        return {"settings": {k: list(v) if isinstance(v, tuple) else v
                             for k, v in ns.items() if k.startswith("CORS_")}}
    if "version" in req:
        return {"django": django.get_version(), "corsheaders": metadata.version("django-cors-headers")}
    options = req.get("options")
    if "settings_text" in req:  # printed settings.py lines, run as Python runs them
        ns = {"__file__": "settings.py"}
        exec(req["settings_text"], ns)
        options = {k: v for k, v in ns.items() if k.startswith("CORS_")}
    with override_settings(**options):
        out = {"checks": checks()}
        got = {}

        def start_response(status, headers, exc_info=None):
            got["status"], got["headers"] = status, headers

        body = WSGIHandler()(environ(req["method"], req["url"], req["headers"]), start_response)
        b"".join(body)
        body.close()
        out["status"] = int(got["status"].split(" ", 1)[0])
        out["headers"] = [[k, v] for k, v in got["headers"]]
        return out


def main():
    for line in sys.stdin:
        if line.strip():
            try:
                out = json.dumps(answer(json.loads(line)))
            except TypeError as exc:  # a value JSON cannot hold
                out = json.dumps({"error": "TypeError: %s" % exc})
            print(out, flush=True)


if __name__ == "__main__":
    main()
