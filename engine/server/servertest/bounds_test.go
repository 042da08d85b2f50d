package servertest_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"

	// Every library registers itself (engine/libraries.go).
	_ "corsplay/engine/server/apache"
	_ "corsplay/engine/server/djangocors"
	_ "corsplay/engine/server/echocors"
	_ "corsplay/engine/server/fastifycors"
	_ "corsplay/engine/server/flaskcors"
	_ "corsplay/engine/server/gincors"
	_ "corsplay/engine/server/gochicors"
	_ "corsplay/engine/server/gorillahandlers"
	_ "corsplay/engine/server/honocors"
	_ "corsplay/engine/server/koacors"
	_ "corsplay/engine/server/nginx"
	_ "corsplay/engine/server/rackcors"
	_ "corsplay/engine/server/starlette"
)

// commandReaders are the readers only the command's build carries: the Go
// libraries', the JavaScript ones' and rack-cors's (bounds_command_test.go;
// engine/server/gincors/command.go…).
var commandReaders []servertest.Syntax

// Every library's configuration reader, through engine.Library.ImportConfig
// at and over engine.MaxInputBytes, and adversarial texts at it.
func TestImportBounds(t *testing.T) {
	for _, s := range []servertest.Syntax{
		// Deep sections and conditions, many lines.
		{Library: "apache",
			Text: func(v string) string { return "Header always set Access-Control-Allow-Origin " + v },
			Open: `"`, Sep: ",", Close: `"`, Item: "https://a.example", Comment: "# ",
			Entries: func(k int) string {
				return strings.Repeat("SetEnvIf Origin \"^https://a\\.example$\" O=$0\n", k/2) + "Header always set Access-Control-Allow-Origin %{O}e env=O"
			},
			More: map[string]func(n int) string{
				"deep <IfModule>": func(n int) string { return strings.Repeat("<IfModule headers>\n", n/19) },
				"deep <IfModule> closed": func(n int) string {
					return strings.Repeat("<IfModule headers>\n", n/40) + strings.Repeat("</IfModule>\n", n/40)
				},
				"deep <If> (": func(n int) string { return `<If "` + strings.Repeat("(", n) + `">` },
				"deep <If> !": func(n int) string { return `<If "` + strings.Repeat("!", n) + `">` },
				"deep <If> ( )": func(n int) string {
					return `<If "` + strings.Repeat("(", n/2) + "true" + strings.Repeat(")", n/2) + "\">\n</If>"
				},
				"many <If>": func(n int) string {
					return strings.Repeat("<If \"%{HTTP:Origin} == 'https://a.example'\">\nHeader set A b\n</If>\n", n/66)
				},
				"long <If> list": func(n int) string {
					return `<If "%{HTTP:Origin} in {` + strings.Repeat("'a', ", n/5) + `'a'}">` + "\nHeader set A b\n</If>"
				},
				"many RewriteCond": func(n int) string {
					return "RewriteEngine On\n" + strings.Repeat("RewriteCond %{HTTP:Origin} ^a$ [OR]\n", n/36) + "RewriteRule ^ - [E=O:1]"
				},
				"continued lines": func(n int) string { return "Header set A " + strings.Repeat("b \\\n", n/4) },
			},
			Deep: []string{strings.Repeat("<IfModule headers>\n", 51) + strings.Repeat("</IfModule>\n", 51), `<If "` + strings.Repeat("!", 51) + `true">` + "\n</If>", `<If "` + strings.Repeat("(", 51) + "true" + strings.Repeat(")", 51) + `">` + "\n</If>"}},
		{Library: "django-cors-headers",
			Text: func(v string) string { return "CORS_ALLOWED_ORIGINS = " + v },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
			More: map[string]func(n int) string{
				// Each setting's line was counted from the start of the text.
				"many settings": func(n int) string { return strings.Repeat("CORS_ALLOW_CREDENTIALS = True\n", n/30) },
			},
			Deep: []string{"CORS_ALLOWED_ORIGINS = " + strings.Repeat("[", 51) + strings.Repeat("]", 51), "CORS_PREFLIGHT_MAX_AGE = " + strings.Repeat("-", 51) + "1", "CORS_ALLOWED_ORIGINS = " + strings.Repeat("list(", 51) + "[]" + strings.Repeat(")", 51)}},
		{Library: "flask-cors", Version: "6.0.2",
			Text: func(v string) string { return "CORS(app, origins=" + v + ")" },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
			Deep: []string{"CORS(app, origins=" + strings.Repeat("[", 52) + strings.Repeat("]", 52) + ")"}},
		{Library: "nginx",
			Text: func(v string) string { return "add_header Access-Control-Allow-Origin " + v + " always;" },
			Open: `"`, Sep: ",", Close: `"`, Item: "https://a.example", Comment: "# ",
			Entries: func(k int) string {
				return "map $http_origin $cors {\n" + strings.Repeat("  https://a.example $http_origin;\n", k/2) + "}\nadd_header Access-Control-Allow-Origin $cors always;"
			},
			More: map[string]func(n int) string{
				"deep if":        func(n int) string { return strings.Repeat("if ($http_origin) {", n/19) },
				"deep if closed": func(n int) string { return strings.Repeat("if ($http_origin) {", n/40) + strings.Repeat("}", n/40) },
				"deep blocks":    func(n int) string { return strings.Repeat("a{", n/2) },
				"many if": func(n int) string {
					return strings.Repeat("if ($http_origin = https://a.example) { add_header A b; }\n", n/57)
				},
				"many map entries": func(n int) string {
					return "map $http_origin $c {\n" + strings.Repeat("~^https://a\\.example$ $http_origin;\n", n/37) + "}\nadd_header A $c;"
				},
				"many args": func(n int) string { return "add_header A" + strings.Repeat(" b", n/2) + ";" },
			},
			Deep: []string{strings.Repeat("location /a {", 51) + strings.Repeat("}", 51)}},
		{Library: "starlette",
			Text: func(v string) string { return "app.add_middleware(CORSMiddleware, allow_origins=" + v + ")" },
			Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
			Deep: []string{"app.add_middleware(CORSMiddleware, allow_origins=" + strings.Repeat("[", 52) + strings.Repeat("]", 52) + ")"}},
	} {
		t.Run(s.Library, func(t *testing.T) { servertest.ImportBounds(t, s) })
	}
	for _, s := range commandReaders {
		t.Run(s.Library, func(t *testing.T) { servertest.ImportBounds(t, s) })
	}
}
