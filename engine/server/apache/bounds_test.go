package apache_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: Apache's text at and over engine.MaxInputBytes, and
// adversarial texts (deep sections and conditions, many lines) at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "apache",
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
		Deep: []string{strings.Repeat("<IfModule headers>\n", 51) + strings.Repeat("</IfModule>\n", 51), `<If "` + strings.Repeat("!", 51) + `true">` + "\n</If>", `<If "` + strings.Repeat("(", 51) + "true" + strings.Repeat(")", 51) + `">` + "\n</If>"}})
}
