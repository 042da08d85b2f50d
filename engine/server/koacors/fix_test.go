package koacors_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// Each blocked request to koa-cors with these options gets a fix in them: the
// call it writes, and a why-line saying why.
func TestFixes(t *testing.T) {
	suite := servertest.FixSuite{Library: "koa-cors", Page: "https://app.example.com", URL: "https://api.example.com/r", Language: "javascript"}
	t.Logf("%d cases", suite.Fixes(t, []servertest.FixCase{
		{Options: servertest.Options(t, `{}`), Method: "GET", Credentials: true, After: `app.use(cors({ origin: 'https://app.example.com', credentials: true }))`, Why: servertest.Lines{"with credentials: true"}},
		{Options: servertest.Options(t, `{"origin": ["https://app.example.com", "https://other.example"]}`), Method: "GET", After: `app.use(cors({ origin: 'https://app.example.com' }))`, Why: servertest.Lines{"one Access-Control-Allow-Origin line per element"}},
		{Options: servertest.Options(t, `{"origin": "https://other.example"}`), Method: "GET", After: `app.use(cors({ origin: 'https://app.example.com' }))`, Why: servertest.Lines{"is sent as it is to every caller"}},
		{Options: servertest.Options(t, `{"allowMethods": "GET,POST"}`), Method: "DELETE", After: `app.use(cors({ allowMethods: 'GET,POST,DELETE' }))`, Why: servertest.Lines{"allowMethods does not include DELETE"}},
		{Options: servertest.Options(t, `{"allowMethods": ["GET"]}`), Method: "PURGE", After: `app.use(cors({ allowMethods: ['GET', 'PURGE'] }))`},
		{Options: servertest.Options(t, `{"allowHeaders": ["Content-Type"]}`), Method: "PUT", Headers: servertest.Headers{{"X-Api-Key", "k"}}, After: `app.use(cors({ allowHeaders: ['Content-Type', 'X-Api-Key'] }))`, Why: servertest.Lines{"allowHeaders does not include X-Api-Key"}},
		{Options: servertest.Options(t, `{"origin": "https://app.example.com", "credential": true}`), Method: "GET", Credentials: true, After: `app.use(cors({ origin: 'https://app.example.com', credentials: true }))`, Why: servertest.Lines{"credential is not an option of @koa/cors"}},
		{Options: servertest.Options(t, `{"allowMethods": ""}`), Method: "PUT", After: `app.use(cors())`, Why: servertest.Lines{"allowMethods is empty"}},
	}))
}
