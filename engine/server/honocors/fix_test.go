package honocors_test

import (
	"testing"

	"corsplay/engine/server/servertest"
)

// Each blocked request to hono-cors with these options gets a fix in them: the
// call it writes, and a why-line saying why.
func TestFixes(t *testing.T) {
	suite := servertest.FixSuite{Library: "hono-cors", Page: "https://app.example.com", URL: "https://api.example.com/r", Language: "javascript"}
	t.Logf("%d cases", suite.Fixes(t, []servertest.FixCase{
		{Options: servertest.Options(t, `{}`), Method: "GET", Credentials: true, After: `app.use('*', cors({ origin: ['https://app.example.com'], credentials: true }))`, Why: servertest.Lines{"origin '*' (the default)"}},
		{Options: servertest.Options(t, `{"origin": "https://other.example"}`), Method: "GET", After: `app.use('*', cors({ origin: ['https://other.example', 'https://app.example.com'] }))`, Why: servertest.Lines{"is one string"}},
		{Options: servertest.Options(t, `{"origin": ["https://app.example.com"], "allowMethods": ["GET"]}`), Method: "PUT", Headers: servertest.Headers{{"Content-Type", "application/json"}},
			After: `app.use('*', cors({ origin: ['https://app.example.com'], allowMethods: ['GET', 'PUT'] }))`, Why: servertest.Lines{"allowMethods does not include PUT"}},
		{Options: servertest.Options(t, `{"allowHeaders": ["Content-Type"]}`), Method: "PUT", Headers: servertest.Headers{{"X-Api-Key", "k"}}, After: `app.use('*', cors({ allowHeaders: ['Content-Type', 'X-Api-Key'] }))`, Why: servertest.Lines{"allowHeaders does not include X-Api-Key"}},
		{Options: servertest.Options(t, `{"origins": ["https://app.example.com"]}`), Method: "GET", Credentials: true, After: `app.use('*', cors({ origin: ['https://app.example.com'], credentials: true }))`, Why: servertest.Lines{"origins is not an option of hono's cors()"}},
		{Options: servertest.Options(t, `{"origin": ["https://app.example.com"], "allowMethods": ["PATCH"]}`), Method: "DELETE", Credentials: true,
			After: "app.use('*', cors({\n  origin: ['https://app.example.com'],\n  allowMethods: ['PATCH', 'DELETE'],\n  credentials: true,\n}))"},
	}))
}
