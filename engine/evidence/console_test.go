package evidence_test

import (
	"errors"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"corsplay/engine"
	"corsplay/engine/evidence"
)

// consoleTests are console texts as the browsers print them, with what
// the import must read from them. The lines are written out from the
// templates and worked examples of /work/shared/reference/browser-messages.md
// (Chromium's cors_error_string.cc, Firefox's security.properties,
// WebKit's CrossOriginAccessControl.cpp) and from the shapes DevTools
// gives them when copied: Chrome's source link and failed-load line,
// Firefox's "[Learn More]", Safari's "[Error]" and resource suffix.
var consoleTests = []struct {
	name, text string
	browser    string
	page, url  string
	// elsewhere is the URL of the server a redirect reaches
	// (elsewhere[0]), "" for none.
	elsewhere string
	method    string   // "" for any
	assumed   []string // fields that must be listed
	// console is the line the import must print when evaluated: the
	// browser's main line as corsplay writes it.
	console string
	note    string // a fragment of a note or of why a field was assumed, if any
}{
	{
		name:    "Chrome, a preflight's method (browser-messages.md §2.3)",
		text:    "Access to fetch at 'http://www1.web-platform.test:8000/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response.",
		browser: engine.Chrome, page: "http://web-platform.test:8000", url: "http://www1.web-platform.test:8000/x", method: "PATCH",
		assumed: []string{"server.raw.preflight"},
		console: "Access to fetch at 'http://www1.web-platform.test:8000/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Method PATCH is not allowed by Access-Control-Allow-Methods in preflight response.",
	},
	{
		name:    "Chrome, a header the preflight did not allow",
		text:    "Access to fetch at 'http://www1.web-platform.test:8000/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Request header field x-test is not allowed by Access-Control-Allow-Headers in preflight response.",
		browser: engine.Chrome, page: "http://web-platform.test:8000", url: "http://www1.web-platform.test:8000/x",
		assumed: []string{"request.method", "request.headers", "server.raw.preflight"},
		console: "Access to fetch at 'http://www1.web-platform.test:8000/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Request header field x-test is not allowed by Access-Control-Allow-Headers in preflight response.",
	},
	{
		name: "Chrome in DevTools: source links, the failed load with method and status, the rejection",
		text: "api.js:31 Access to fetch at 'https://api.shop.test/v1/orders?page=2' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n" +
			"api.js:31  DELETE https://api.shop.test/v1/orders?page=2 net::ERR_FAILED 500 (Internal Server Error)\n" +
			"load @ api.js:31\n" +
			"api.js:40 Uncaught (in promise) TypeError: Failed to fetch\n    at load (api.js:31:11)\n",
		browser: engine.Chrome, page: "http://localhost:5173", url: "https://api.shop.test/v1/orders?page=2", method: "DELETE",
		assumed: []string{"server.raw.actual", "server.raw.preflight"},
		console: "Access to fetch at 'https://api.shop.test/v1/orders?page=2' from origin 'http://localhost:5173' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
	},
	{
		name:    "Chrome, XMLHttpRequest (axios), the sentence of Chrome 2024 and before",
		text:    "xhr.js:195 Access to XMLHttpRequest at 'http://localhost:8080/login' from origin 'http://localhost:4200' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://localhost:4200/' that is not equal to the supplied origin. Have the server send the header with a valid value, or, if an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled.",
		browser: engine.Chrome, page: "http://localhost:4200", url: "http://localhost:8080/login",
		assumed: []string{"request.method", "server.raw.actual"},
		console: "Access to fetch at 'http://localhost:8080/login' from origin 'http://localhost:4200' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://localhost:4200/' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		note:    "XMLHttpRequest",
	},
	{
		name:    "Chrome, credentials and a wildcard, for XMLHttpRequest",
		text:    "Access to XMLHttpRequest at 'http://www1.web-platform.test:8000/c' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.",
		browser: engine.Chrome, page: "http://web-platform.test:8000", url: "http://www1.web-platform.test:8000/c",
		console: "Access to fetch at 'http://www1.web-platform.test:8000/c' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.",
	},
	{
		name:    "Chrome, several values, a preflight's",
		text:    "Access to fetch at 'http://www1.web-platform.test:8001/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value.",
		browser: engine.Chrome, page: "http://web-platform.test:8000", url: "http://www1.web-platform.test:8001/x",
		assumed: []string{"request.headers", "server.raw.preflight"},
		console: "Access to fetch at 'http://www1.web-platform.test:8001/x' from origin 'http://web-platform.test:8000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains multiple values '*, *', but only one is allowed. Have the server send the header with a valid value.",
	},
	{
		name:    "Chrome, a non-ASCII value, bytes escaped",
		text:    `Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://b\u00C3\u00BCcher.example' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/items",
		console: `Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://b\u00C3\u00BCcher.example' that is not equal to the supplied origin. Have the server send the header with a valid value.`,
	},
	{
		name:    "Chrome, a preflight with an auth layer's status",
		text:    "Access to fetch at 'http://localhost:8080/api/me' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
		browser: engine.Chrome, page: "http://localhost:3000", url: "http://localhost:8080/api/me",
		assumed: []string{"server.raw.preflight", "request.method", "request.headers"},
		console: "Access to fetch at 'http://localhost:8080/api/me' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.",
	},
	{
		// browser-messages.md §2.2: back on the page's origin from another,
		// the request carries Origin: null, which the page's origin does
		// not equal; Chrome prints the page's origin all the same.
		name:    "Chrome, a redirect followed to the failing URL, the Origin tainted",
		text:    "Access to fetch at 'http://web-platform.test:8000/p' (redirected from 'http://www1.web-platform.test:8000/r') from origin 'http://web-platform.test:8000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://web-platform.test:8000' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		browser: engine.Chrome, page: "http://web-platform.test:8000", url: "http://www1.web-platform.test:8000/r", elsewhere: "http://web-platform.test:8000/p",
		assumed: []string{"server.raw.actual", "elsewhere[0].server.raw.actual"},
		console: "Access to fetch at 'http://web-platform.test:8000/p' (redirected from 'http://www1.web-platform.test:8000/r') from origin 'http://web-platform.test:8000' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'http://web-platform.test:8000' that is not equal to the supplied origin. Have the server send the header with a valid value.",
	},
	{
		name:    "Chrome, redirected on the same origin, the last answer allows null",
		text:    "Access to fetch at 'https://api.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r", elsewhere: "https://api.example.com/next",
		assumed: []string{"server.raw.actual", "elsewhere[0].server.raw.actual"},
		console: "Access to fetch at 'https://api.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'null' that is not equal to the supplied origin. Have the server send the header with a valid value.",
	},
	{
		// The first and last URLs share an origin, so only a detour through
		// a third one makes the page's origin not equal the Origin sent.
		name:    "Chrome, redirected on the same origin, the page's origin refused",
		text:    "Access to fetch at 'https://api.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not equal to the supplied origin. Have the server send the header with a valid value.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r", elsewhere: "https://api.example.com/next",
		assumed: []string{"server.raw.actual", "elsewhere[0].server.raw.actual", "elsewhere[1].server.raw.actual"},
		console: "Access to fetch at 'https://api.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: The 'Access-Control-Allow-Origin' header has a value 'https://app.example.com' that is not equal to the supplied origin. Have the server send the header with a valid value.",
	},
	{
		// The last URL is the start of the first: each has its own server.
		name:    "Chrome, a trailing slash removed by a redirect",
		text:    "Access to fetch at 'https://api.example.com/items' (redirected from 'https://api.example.com/items/') from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		browser: engine.Chrome, page: "http://localhost:3000", url: "https://api.example.com/items/", elsewhere: "https://api.example.com/items",
		assumed: []string{"server.raw.actual", "elsewhere[0].server.raw.actual"},
		console: "Access to fetch at 'https://api.example.com/items' (redirected from 'https://api.example.com/items/') from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
	},
	{
		name:    "Chrome, redirected to another origin whose preflight fails",
		text:    "Access to fetch at 'https://login.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r", elsewhere: "https://login.example.com/next",
		assumed: []string{"request.headers", "server.raw.actual", "elsewhere[0].server.raw.preflight"},
		console: "Access to fetch at 'https://login.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
	},
	{
		name:    "Chrome, a redirect to a URL with a user name and password",
		text:    "Access to fetch at 'https://api.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy: Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r",
		assumed: []string{"server.raw.actual"},
		console: "Access to fetch at 'https://api.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy: Redirect location '' contains a username and password, which is disallowed for cross-origin requests.",
	},
	{
		name:    "Chrome, a redirect to an ftp: URL",
		text:    "Access to fetch at 'ftp://ftp.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r",
		assumed: []string{"server.raw.actual"},
		console: "Access to fetch at 'ftp://ftp.example.com/next' (redirected from 'https://api.example.com/r') from origin 'https://app.example.com' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: chrome, chrome-experimental-site-token-provider, chrome-extension, chrome-untrusted, data, http, https, isolated-app.",
	},
	{
		name:    "Chrome, too many redirects, the network error alone",
		text:    "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
		browser: engine.Chrome, url: "https://api.example.com/",
		assumed: []string{"page", "request.url", "server.raw.actual"},
		console: "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
	},
	{
		name:    "Chrome, too many redirects, DevTools' line with the method and URL",
		text:    "api.js:8  POST https://api.example.com/login net::ERR_TOO_MANY_REDIRECTS\napi.js:8 Uncaught (in promise) TypeError: Failed to fetch",
		browser: engine.Chrome, url: "https://api.example.com/login", method: "POST",
		assumed: []string{"page", "server.raw.actual"},
		console: "Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
		note:    "corsplay's Chrome prints this failure as: Failed to load resource: net::ERR_TOO_MANY_REDIRECTS",
	},
	{
		name:    "Chrome, a redirect to a data: URL",
		text:    "Failed to load resource: net::ERR_UNSAFE_REDIRECT",
		browser: engine.Chrome, url: "https://api.example.com/",
		assumed: []string{"page", "request.url", "server.raw.actual"},
		console: "Failed to load resource: net::ERR_UNSAFE_REDIRECT",
	},
	{
		name:    "Chrome, a redirect whose Location is not a URL",
		text:    "Failed to load resource: net::ERR_INVALID_REDIRECT",
		browser: engine.Chrome, url: "https://api.example.com/",
		assumed: []string{"page", "request.url", "server.raw.actual"},
		console: "Failed to load resource: net::ERR_INVALID_REDIRECT",
	},
	{
		name:    "Chrome, redirect \"error\" met a redirect: net::ERR_FAILED with a 302 and no CORS message",
		text:    "api.js:12 GET https://api.example.com/r net::ERR_FAILED 302 (Found)\napi.js:12 Uncaught (in promise) TypeError: Failed to fetch\n    at load (api.js:12:5)",
		browser: engine.Chrome, url: "https://api.example.com/r", method: "GET",
		assumed: []string{"page", "request.redirect", "server.raw.actual"},
		console: "Failed to load resource: net::ERR_FAILED",
	},
	{
		name:    "Chrome, a same-origin mode fetch redirected to another origin",
		text:    "Unsafe attempt to load URL https://api.example.com/next from frame with URL https://app.example.com/. Domains, protocols and ports must match.",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://app.example.com/next",
		assumed: []string{"request.url"},
		console: "Unsafe attempt to load URL https://api.example.com/next from frame with URL https://app.example.com/. Domains, protocols and ports must match.\n",
	},
	{
		name:    "Chrome, no-cors with redirect \"manual\"",
		text:    `Fetch API cannot load https://api.example.com/r. Request mode is "no-cors" but the redirect mode is not "follow".`,
		browser: engine.Chrome, url: "https://api.example.com/r",
		assumed: []string{"page", "request.redirect"},
		console: `Fetch API cannot load https://api.example.com/r. Request mode is "no-cors" but the redirect mode is not "follow".`,
	},
	{
		name: "Chrome, a redirect without Access-Control-Allow-Origin: the failed load's status is 302",
		text: "Access to fetch at 'https://api.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\n" +
			"GET https://api.example.com/r net::ERR_FAILED 302 (Found)",
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/r", method: "GET",
		assumed: []string{"server.raw.actual"},
		console: "Access to fetch at 'https://api.example.com/r' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		note:    "Its status 302 is a redirect's",
	},
	{
		name:    "Chrome, a same-origin mode fetch",
		text:    `localhost/:1 Fetch API cannot load https://api.example.com/a. Request mode is "same-origin" but the URL's origin is not same as the request origin https://app.example.com.`,
		browser: engine.Chrome, page: "https://app.example.com", url: "https://api.example.com/a",
		console: `Fetch API cannot load https://api.example.com/a. Request mode is "same-origin" but the URL's origin is not same as the request origin https://app.example.com.`,
	},
	{
		name: "Firefox, a preflight without Access-Control-Allow-Origin: the reason, then \"did not succeed\"",
		text: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api/notes. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 405. [Learn More]\n" +
			"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api/notes. (Reason: CORS request did not succeed). Status code: (null). [Learn More]\n" +
			"Uncaught (in promise) TypeError: NetworkError when attempting to fetch resource.",
		browser: engine.Firefox, page: "http://localhost:3000", url: "http://localhost:8000/api/notes",
		assumed: []string{"page", "request.method", "request.headers", "server.raw.preflight"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api/notes. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 405.",
	},
	{
		name:    "Firefox, a value that does not match, quotes straightened by the paste",
		text:    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header 'Access-Control-Allow-Origin' does not match 'http://localhost:3000').",
		browser: engine.Firefox, page: "http://localhost:5173", url: "https://api.example.com/items",
		assumed: []string{"page", "request.method", "server.raw.actual"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘http://localhost:3000’).",
	},
	{
		name:    "Firefox, the method is not named",
		text:    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items/3. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).\nCross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items/3. (Reason: CORS request did not succeed). Status code: (null).",
		browser: engine.Firefox, url: "https://api.example.com/items/3", method: "PUT",
		assumed: []string{"page", "request.method", "server.raw.preflight"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items/3. (Reason: Did not find method in CORS header ‘Access-Control-Allow-Methods’).",
	},
	{
		name:    "Firefox, credentials and a wildcard: the URL in quotes",
		text:    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘https://api.example.com/me’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
		browser: engine.Firefox, url: "https://api.example.com/me",
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ‘https://api.example.com/me’. (Reason: Credential is not supported if the CORS header ‘Access-Control-Allow-Origin’ is ‘*’).",
	},
	{
		name: "Firefox, a redirect without Access-Control-Allow-Origin: its status, then \"did not succeed\"",
		text: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 302.\n" +
			"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/r. (Reason: CORS request did not succeed). Status code: (null).",
		browser: engine.Firefox, url: "https://api.example.com/r", method: "GET",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/r. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 302.",
	},
	{
		name: "Firefox, a redirect to a mailto: URL: its Location, then the URL that did not succeed",
		text: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at mailto:someone@example.com. (Reason: CORS request not http). [Learn More]\n" +
			"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/r. (Reason: CORS request did not succeed). Status code: (null). [Learn More]",
		browser: engine.Firefox, url: "https://api.example.com/r",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at mailto:someone@example.com. (Reason: CORS request not http).",
	},
	{
		name:    "Firefox, a redirect to an ftp: URL, the Location's line alone",
		text:    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ftp://ftp.example.com/next. (Reason: CORS request not http).",
		browser: engine.Firefox, url: "https://api.example.com/",
		assumed: []string{"page", "request.url", "server.raw.actual"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ftp://ftp.example.com/next. (Reason: CORS request not http).",
	},
	{
		// Also what Firefox prints when the server does not answer at all:
		// the note says so first.
		name:    "Firefox, \"did not succeed\" alone: a refused redirect",
		text:    "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api. (Reason: CORS request did not succeed). Status code: (null).",
		browser: engine.Firefox, url: "http://localhost:8000/api",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:8000/api. (Reason: CORS request did not succeed). Status code: (null).",
		note:    "Most often the request got no response at all",
	},
	{
		name: "Safari, a redirect without Access-Control-Allow-Origin",
		text: "[Error] Cross-origin redirection to https://login.example.com/next denied by Cross-Origin Resource Sharing policy: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 302\n" +
			"[Error] Fetch API cannot load https://api.example.com/r due to access control checks.\n" +
			"[Error] Failed to load resource: Cross-origin redirection to https://login.example.com/next denied by Cross-Origin Resource Sharing policy: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 302 (r, line 0)",
		browser: engine.Safari, page: "http://localhost:3000", url: "https://api.example.com/r",
		assumed: []string{"server.raw.actual"},
		console: "Cross-origin redirection to https://login.example.com/next denied by Cross-Origin Resource Sharing policy: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 302",
	},
	{
		// WebKit checks the redirect of a fetch that began on the page's
		// origin as credentialed; corsplay reproduces it with credentials.
		name:    "Safari, a redirect answering * to a credentialed request",
		text:    "[Error] Cross-origin redirection to https://app.example.com/last denied by Cross-Origin Resource Sharing policy: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.\n[Error] Fetch API cannot load https://api.example.com/next due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/next",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-origin redirection to https://app.example.com/last denied by Cross-Origin Resource Sharing policy: Cannot use wildcard in Access-Control-Allow-Origin when credentials flag is true.",
	},
	{
		name:    "Safari, a redirect to a URL with credentials",
		text:    "[Error] Cross-origin redirection to https://login.example.com/next denied by Cross-Origin Resource Sharing policy: redirection URL https://user:pw@login.example.com/next has credentials\n[Error] Fetch API cannot load https://api.example.com/r due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/r",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-origin redirection to https://login.example.com/next denied by Cross-Origin Resource Sharing policy: redirection URL https://user:pw@login.example.com/next has credentials",
	},
	{
		name:    "Safari, a redirect to a mailto: URL",
		text:    "[Error] Cross-origin redirection to mailto:someone@example.com denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme\n[Error] Fetch API cannot load https://api.example.com/r due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/r",
		assumed: []string{"page", "server.raw.actual"},
		console: "Cross-origin redirection to mailto:someone@example.com denied by Cross-Origin Resource Sharing policy: not allowed to follow a cross-origin CORS redirection with non CORS scheme",
	},
	{
		name:    "Safari, a redirect to an ftp: URL",
		text:    "[Error] FTP URLs are disabled\n[Error] Fetch API cannot load https://api.example.com/r due to access control checks.\n[Error] Failed to load resource: FTP URLs are disabled (r, line 0)",
		browser: engine.Safari, url: "https://api.example.com/r",
		assumed: []string{"page", "server.raw.actual"},
		console: "FTP URLs are disabled",
	},
	{
		name:    "Safari, too many redirects",
		text:    "[Error] Load cannot follow more than 20 redirections\n[Error] Fetch API cannot load https://api.example.com/loop due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/loop",
		assumed: []string{"page", "server.raw.actual"},
		console: "Load cannot follow more than 20 redirections",
	},
	{
		name:    "Safari, redirect \"error\" met a redirect",
		text:    "[Error] Not allowed to follow a redirection while loading https://api.example.com/r\n[Error] Fetch API cannot load https://api.example.com/r due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/r",
		assumed: []string{"page", "request.redirect", "server.raw.actual"},
		console: "Not allowed to follow a redirection while loading https://api.example.com/r",
	},
	{
		name: "Safari, Origin null: a redirect from another origin tainted it",
		text: "[Error] Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200\n" +
			"[Error] Fetch API cannot load https://login.example.com/next due to access control checks.\n" +
			"[Error] Failed to load resource: Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200 (next, line 0)",
		browser: engine.Safari, url: "https://api.example.com/next", elsewhere: "https://login.example.com/next",
		assumed: []string{"page", "server.raw.actual", "elsewhere[0].server.raw.actual"},
		console: "Origin null is not allowed by Access-Control-Allow-Origin. Status code: 200",
	},
	{
		name:    "Safari, a same-origin mode fetch redirected to another origin",
		text:    "[Error] Unsafe attempt to load URL https://api.example.com/next from origin https://app.example.com. Domains, protocols and ports must match.\n\n[Error] Fetch API cannot load https://api.example.com/next due to access control checks.",
		browser: engine.Safari, page: "https://app.example.com", url: "https://app.example.com/next",
		assumed: []string{"request.url"},
		console: "Unsafe attempt to load URL https://api.example.com/next from origin https://app.example.com. Domains, protocols and ports must match.\n",
	},
	{
		name:    "Safari, no-cors with redirect \"manual\"",
		text:    "[Error] No-Cors mode requires follow redirect mode\n[Error] Not allowed to request resource\n[Error] Fetch API cannot load https://api.example.com/r due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/r",
		assumed: []string{"page", "request.redirect"},
		console: "No-Cors mode requires follow redirect mode",
	},
	{
		name: "Safari, the three lines with the console's decorations",
		text: "[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 404\n" +
			"[Error] Fetch API cannot load http://localhost:8000/api/users due to access control checks.\n" +
			"[Error] Failed to load resource: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 404 (users, line 0)\n",
		browser: engine.Safari, page: "http://localhost:3000", url: "http://localhost:8000/api/users",
		assumed: []string{"request.method", "server.raw.actual"},
		console: "Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 404",
	},
	{
		name:    "Safari, the failed load alone",
		text:    "Failed to load resource: Preflight response is not successful. Status code: 403",
		browser: engine.Safari, url: "https://api.example.com/",
		assumed: []string{"page", "request.url", "server.raw.preflight"},
		console: "Preflight response is not successful. Status code: 403",
	},
	{
		name:    "Safari, a header the preflight did not allow, named as sent",
		text:    "[Error] Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers.\n[Error] Fetch API cannot load https://api.example.com/v1/search due to access control checks.",
		browser: engine.Safari, url: "https://api.example.com/v1/search",
		assumed: []string{"page"},
		console: "Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers.",
	},
}

func TestConsole(t *testing.T) {
	for _, tt := range consoleTests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := r.Scenario
			if r.Source != evidence.SourceConsole || r.Browser != tt.browser || s.Browser != tt.browser {
				t.Errorf("source %s, browser %s (scenario %s); want console, %s", r.Source, r.Browser, s.Browser, tt.browser)
			}
			if tt.page != "" && s.Page != tt.page || s.Request.URL != tt.url {
				t.Errorf("page %s, url %s; want %s, %s", s.Page, s.Request.URL, tt.page, tt.url)
			}
			if len(s.Elsewhere) > 0 != (tt.elsewhere != "") || tt.elsewhere != "" && s.Elsewhere[0].URL != tt.elsewhere {
				t.Errorf("elsewhere %+v, want %q", s.Elsewhere, tt.elsewhere)
			}
			if tt.method != "" && s.Request.Method != tt.method {
				t.Errorf("method %s, want %s", s.Request.Method, tt.method)
			}
			for _, f := range tt.assumed {
				if !slices.ContainsFunc(r.Assumed, func(a evidence.Assumption) bool { return a.Field == f && a.Why != "" }) {
					t.Errorf("%s is not listed as assumed: %+v", f, r.Assumed)
				}
			}
			o := engine.Evaluate(s)
			if tt.console != "" && (o.Verdict != engine.Blocked || o.Console != tt.console) {
				t.Errorf("evaluated: %s, %s\nwant blocked, %s", o.Verdict, o.Console, tt.console)
			}
			said := slices.Clone(r.Notes)
			for _, a := range r.Assumed {
				said = append(said, a.Why)
			}
			if tt.note != "" && !strings.Contains(strings.Join(said, "\n"), tt.note) {
				t.Errorf("notes %q and assumed %+v, want one with %q", r.Notes, r.Assumed, tt.note)
			}
		})
	}
}

// TestConsoleAssumesOnlyWhatIsMissing: a Chrome line names the page and
// the URL, so neither is assumed; Firefox's never names the page.
func TestConsoleAssumesOnlyWhatIsMissing(t *testing.T) {
	for _, tt := range consoleTests {
		r, err := evidence.Import([]byte(tt.text), evidence.Options{})
		if err != nil {
			t.Fatal(err)
		}
		page := slices.ContainsFunc(r.Assumed, func(a evidence.Assumption) bool { return a.Field == "page" })
		if want := !namesPage.MatchString(tt.text); page != want {
			t.Errorf("%s: page assumed %v, want %v: %+v", tt.name, page, want, r.Assumed)
		}
		i := slices.IndexFunc(r.Assumed, func(a evidence.Assumption) bool { return a.Field == "page" })
		if page && r.Browser == engine.Firefox && !strings.Contains(r.Assumed[i].Why, "Firefox does not print the page's origin") {
			t.Errorf("%s: the page's why does not say Firefox does not print it: %q", tt.name, r.Assumed[i].Why)
		}
	}
}

// namesPage matches the texts that name the page's origin: Chrome's
// (but for its network errors and no-cors TypeError), Safari's "Origin …
// is not allowed" and its same-origin mode line; Firefox's never do.
var namesPage = regexp.MustCompile(`from origin '|request origin |from frame with URL |from origin https?://|Origin https?://\S+ is not allowed`)

var consoleErrors = []struct {
	name, text string
	err        string // a fragment
}{
	{"Chrome's Local Network Access",
		"Access to fetch at 'http://localhost:8000/api' from origin 'https://example.com' has been blocked by CORS policy: Permission was denied for this request to access the `loopback` address space.",
		"line 1: this is Chrome's Private/Local Network Access check"},
	{"a page opened from a file",
		"\n\nAccess to script at 'file:///foo/bar.js' from origin 'null' has been blocked by CORS policy: Cross origin requests are only supported for protocol schemes: http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted.",
		"line 3: the page was opened from a file:// URL"},
	{"Chrome cannot reach the server",
		"GET http://localhost:8000/api/items net::ERR_CONNECTION_REFUSED\nUncaught (in promise) TypeError: Failed to fetch",
		"line 1: Chrome failed with net::ERR_CONNECTION_REFUSED and printed no CORS message: the request got no response (nothing listens on that host and port)"},
	{"a page opened from a file, in Firefox",
		"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at file:///home/me/data.json. (Reason: CORS request not HTTP).",
		"line 1: the page was opened from a file:// URL"},
	{"Chrome, redirected from a URL that is none",
		"Access to fetch at 'https://a.example/x' (redirected from '/r') from origin 'https://b.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
		`line 1: Chrome printed that the request was redirected from "/r", which is not an absolute http or https URL`},
	{"Chrome's net::ERR_FAILED of a CORS failure whose message was not pasted",
		"GET https://api.example.com/items net::ERR_FAILED 200 (OK)",
		"nothing recognised"},
	{"Firefox, a URL that is none",
		"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at /api/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 200.",
		"line 1: Firefox printed the URL \"/api/items\", which is not an absolute http or https URL"},
}

func TestConsoleErrors(t *testing.T) {
	for _, tt := range consoleErrors {
		t.Run(tt.name, func(t *testing.T) {
			_, err := evidence.Import([]byte(tt.text), evidence.Options{})
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("error %v, want one with %q", err, tt.err)
			}
		})
	}
}

func TestUnrecognised(t *testing.T) {
	for _, text := range []string{"", "hello", "Uncaught TypeError: x is undefined\n    at app.js:3:1", "[1, 2, 3]", "<html><body>502 Bad Gateway</body></html>"} {
		_, err := evidence.Import([]byte(text), evidence.Options{})
		if !errors.Is(err, evidence.ErrUnrecognised) {
			t.Errorf("%q: error %v, want ErrUnrecognised", text, err)
			continue
		}
		for _, form := range []string{"console output", "HAR", "Copy as fetch", "Copy as cURL", "curl -v"} {
			if !strings.Contains(err.Error(), form) {
				t.Errorf("the error does not name %q among the forms:\n%v", form, err)
			}
		}
	}
}

func TestTooLarge(t *testing.T) {
	_, err := evidence.Import(make([]byte, evidence.MaxInputBytes+1), evidence.Options{})
	if err == nil || !strings.Contains(err.Error(), "more than the 67108864 (64 MiB) corsplay reads") {
		t.Errorf("error %v", err)
	}
}

// TestConsoleSeveralFailures: the first failure is imported, and a note
// counts the others (not the lines of the same failure, nor its repeats).
func TestConsoleSeveralFailures(t *testing.T) {
	first := "Access to fetch at 'https://api.example.com/a' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\nGET https://api.example.com/a net::ERR_FAILED 200 (OK)\n"
	second := "Access to fetch at 'https://api.example.com/b' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: It does not have HTTP ok status.\n"
	text := first + first + first + second + first
	r, err := evidence.Import([]byte(text), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Scenario.Request.URL != "https://api.example.com/a" || len(r.Notes) != 1 || r.Notes[0] != "The paste holds 1 other CORS failures (the next at line 7): corsplay imported the first. Paste another alone to import it." {
		t.Errorf("%s, notes %q", r.Scenario.Request.URL, r.Notes)
	}
}

// TestLongConsolePaste: a paste of the bound's size is read in time
// linear in its length (the same failure every second for hours, and
// lines of anything else).
func TestLongConsolePaste(t *testing.T) {
	block := "[Error] Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200\n" +
		"[Error] Fetch API cannot load http://localhost:8000/api/poll due to access control checks.\n" +
		"[Error] Failed to load resource: Origin http://localhost:3000 is not allowed by Access-Control-Allow-Origin. Status code: 200 (poll, line 0)\n" +
		"[Log] polling again in 1s (app.js, line 40)\n"
	text := strings.Repeat(block, (16<<20)/len(block))
	start := time.Now()
	r, err := evidence.Import([]byte(text), evidence.Options{})
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if r.Browser != engine.Safari || len(r.Notes) != 0 {
		t.Errorf("%s, notes %q", r.Browser, r.Notes)
	}
	t.Logf("%d MB in %v", len(text)>>20, took)
	if runtime.GOOS != "js" && took > 2*time.Second {
		t.Errorf("a %d MB paste took %v", len(text)>>20, took)
	}
}
