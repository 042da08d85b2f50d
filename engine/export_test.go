package engine

import (
	"slices"
	"strings"
	"testing"
)

var exportPolicy = Policy{
	Origins:        []string{"https://app.example.com", "https://*.example.com", "http://localhost:*"},
	Credentials:    true,
	Methods:        []string{"PUT", "DELETE"},
	RequestHeaders: []string{"Content-Type", "Authorization"},
	ExposeHeaders:  []string{"X-Request-Id"},
	MaxAge:         new(int64(600)),
}

var exportTests = []struct {
	target string
	p      Policy
	want   []string // fragments of the code
	lost   string   // a fragment of a Lost entry, "" for none
}{
	{TargetFlask, exportPolicy, []string{
		"from flask_cors import CORS",
		`origins=['https://app.example.com', r"^https://([a-z0-9-]+\\.)+example\\.com$", r"^http://localhost(:\\d+)?$"]`,
		"methods=['GET', 'HEAD', 'POST', 'PUT', 'DELETE']", "allow_headers=['Content-Type', 'Authorization']",
		"expose_headers=['X-Request-Id']", "supports_credentials=True", "max_age='600'",
	}, "preflightStatus 204"},
	{TargetRSCors, exportPolicy, []string{
		`"github.com/rs/cors"`, `AllowedOrigins: []string{"https://app.example.com", "https://*.example.com", "http://localhost:*", "http://localhost"}`,
		`AllowedMethods: []string{"GET", "HEAD", "POST", "PUT", "DELETE"}`, "AllowCredentials: true", "MaxAge: 600",
	}, ""},
	{TargetJub0bs, exportPolicy, []string{
		`"github.com/jub0bs/cors"`, `Origins: []string{"https://app.example.com", "https://*.example.com", "http://localhost:*"}`,
		"Credentialed: true", `Methods: []string{"PUT", "DELETE"}`, "MaxAgeInSeconds: 600", `ResponseHeaders: []string{"X-Request-Id"}`,
	}, ""},
	{TargetExpress, exportPolicy, []string{
		"require('cors')", `origin: ['https://app.example.com', /^https:\/\/([a-z0-9-]+\.)+example\.com$/, /^http:\/\/localhost(:\d+)?$/]`,
		"credentials: true", "maxAge: 600",
	}, ""},
	{TargetNginx, exportPolicy, []string{
		`"https://app.example.com" $http_origin;`, `"~^https://([a-z0-9-]+\\.)+example\\.com$" $http_origin;`,
		`add_header Access-Control-Allow-Methods "PUT, DELETE" always;`, "return 204;",
	}, "every OPTIONS"},
	{TargetJub0bs, Policy{Origins: []string{`re:^https://a\.example\.com$`}, AllowNull: true}, nil, "no regular expressions"},
	{TargetJub0bs, Policy{AnyOrigin: AnyOriginReflect}, nil, "cannot reflect"},
	{TargetFlask, Policy{AnyOrigin: AnyOriginWildcard, Credentials: true}, []string{"origins=['*']"}, "ValueError"},
	{TargetRSCors, Policy{Origins: []string{`re:^https://(a|b)\.example\.org$`}}, []string{"AllowOriginFunc: allowOrigin", "regexp.MustCompile(`^https://(a|b)\\.example\\.org$`)"}, "AllowOriginFunc"},
	{TargetRSCors, Policy{AnyOrigin: AnyOriginReflect, Credentials: true}, []string{"AllowOriginFunc: func(string) bool { return true }"}, "requestHeaders empty"},
	{TargetExpress, Policy{Methods: []string{"*"}, RequestHeaders: []string{"*"}}, []string{"origin: false", "methods: ['GET', 'HEAD', 'POST', '*']"}, ""},
}

func TestExportPolicy(t *testing.T) {
	for _, tt := range exportTests {
		x, err := ExportPolicy(tt.p, tt.target)
		if err != nil {
			t.Fatalf("%s: %v", tt.target, err)
		}
		for _, w := range tt.want {
			if !strings.Contains(x.Code, w) {
				t.Errorf("%s code lacks %s:\n%s", tt.target, w, x.Code)
			}
		}
		hasLost := slices.ContainsFunc(x.Lost, func(l string) bool { return tt.lost != "" && strings.Contains(l, tt.lost) })
		if tt.lost != "" && !hasLost {
			t.Errorf("%s: lost %q, want one mentioning %q", tt.target, x.Lost, tt.lost)
		}
		if tt.lost == "" && len(x.Lost) > 0 {
			t.Errorf("%s: unexpected losses %q", tt.target, x.Lost)
		}
	}
	if _, err := ExportPolicy(exportPolicy, "spring"); err == nil {
		t.Error("an unknown target exports")
	}
}
