package nginx_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: nginx's text at and over engine.MaxInputBytes, and
// adversarial texts (deep and many blocks, many directives) at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "nginx",
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
		Deep: []string{strings.Repeat("location /a {", 51) + strings.Repeat("}", 51)}})
}
