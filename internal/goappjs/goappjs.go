// Package goappjs edits the app.js that go-app v10 generates, in two
// places. Where it loads app.wasm, WebAssembly.instantiateStreaming is given the fetch's own
// response, so that the browser compiles app.wasm as it arrives, off the
// main thread, and the loading screen's percentage is read from a copy of
// the response (Response.clone). go-app wraps the response in a JavaScript
// ReadableStream that counts the bytes: every chunk then went through a
// loop on the main thread before the compiler saw it, and while the main
// thread was busy (parsing and painting the prerendered page) neither the
// download nor the compilation went on. And the service worker registers
// once app.wasm runs, not beside its first load: on a first visit the
// worker's install downloads everything the page uses again (app.wasm
// included) and stores it, which competed with the compilation for the
// machine (web.dev, "Service worker registration": register it after
// what the first visit needs has loaded). The page's server and go-app's
// hello world that make bench measures it against both serve the edited
// app.js.
package goappjs

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
)

// wrapped is go-app v10.1.11's end of fetchWithProgress: the response
// rebuilt around a ReadableStream that counts its bytes.
const wrapped = `  var res = new Response(
    new ReadableStream(
      {
        async start(controller) {
          var reader = response.body.getReader();
          for (; ;) {
            var { done, value } = await reader.read();

            if (done) {
              progressHandler(total, total);
              break;
            }

            loaded += value.byteLength;
            progressHandler(loaded, total);
            controller.enqueue(value);
          }
          controller.close();
        },
      },
      {
        status: response.status,
        statusText: response.statusText,
      }
    )
  );

  for (var pair of response.headers.entries()) {
    res.headers.set(pair[0], pair[1]);
  }

  return res;
}`

// streamed is what replaces it: the response itself, its copy counted.
const streamed = `  // corsplay (internal/goappjs): the compiler reads the response itself,
  // off the main thread; the percentage counts a copy.
  const copy = response.clone();
  (async () => {
    const reader = copy.body.getReader();
    for (; ;) {
      const { done, value } = await reader.read();
      if (done) {
        progressHandler(total, total);
        return;
      }
      loaded += value.byteLength;
      progressHandler(loaded, total);
    }
  })().catch(() => { });

  return response;
}`

// registeredFirst is go-app v10.1.11's start: the service worker registers
// as app.wasm starts loading.
const registeredFirst = `goappInitServiceWorker();
goappWatchForUpdate();
goappWatchForInstallable();
goappInitWebAssembly();
`

// registeredAfter registers it once Go's main has run to its first wait
// (go.run returns then; the page is drawn), or app.wasm failed or was not
// loaded.
const registeredAfter = `goappWatchForUpdate();
goappWatchForInstallable();
// corsplay (internal/goappjs): the service worker registers once app.wasm
// runs, so that its install does not compete with the first load.
goappInitWebAssembly().finally(goappInitServiceWorker);
`

// edits are what Edit replaces, each found exactly once.
var edits = []struct{ old, new string }{
	{wrapped, streamed},
	{registeredFirst, registeredAfter},
}

// Edit gives go-app's app.js with the streaming load and the service worker
// registered after it. It fails if app.js does not hold go-app v10.1.11's
// text exactly once where it edits.
func Edit(js []byte) ([]byte, error) {
	for _, e := range edits {
		if bytes.Count(js, []byte(e.old)) != 1 {
			return nil, errors.New("goappjs: app.js does not start the service worker and load app.wasm as go-app v10.1.11 does; review internal/goappjs")
		}
		js = bytes.Replace(js, []byte(e.old), []byte(e.new), 1)
	}
	return js, nil
}

// Handler serves next, with /app.js edited.
func Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/app.js" {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == http.StatusOK {
			edited, err := Edit(body)
			if err != nil {
				http.Error(w, err.Error(), http.StatusInternalServerError)
				return
			}
			body = edited
		}
		h := w.Header()
		for k, v := range rec.Header() {
			h[k] = v
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		h.Del("Etag") // go-app's is of its own text
		w.WriteHeader(rec.Code)
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
}
