package djangocors_test

import (
	"strings"
	"testing"

	"corsplay/engine/server/servertest"
)

// ImportBounds: a settings block at and over engine.MaxInputBytes, and
// adversarial texts at it.
func TestImportBounds(t *testing.T) {
	servertest.ImportBounds(t, servertest.Syntax{Library: "django-cors-headers",
		Text: func(v string) string { return "CORS_ALLOWED_ORIGINS = " + v },
		Open: "[", Sep: ", ", Close: "]", Item: `"https://a.example"`, Comment: `"""`,
		More: map[string]func(n int) string{
			// Each setting's line was counted from the start of the text.
			"many settings": func(n int) string { return strings.Repeat("CORS_ALLOW_CREDENTIALS = True\n", n/30) },
		},
		Deep: []string{"CORS_ALLOWED_ORIGINS = " + strings.Repeat("[", 51) + strings.Repeat("]", 51), "CORS_PREFLIGHT_MAX_AGE = " + strings.Repeat("-", 51) + "1", "CORS_ALLOWED_ORIGINS = " + strings.Repeat("list(", 51) + "[]" + strings.Repeat(")", 51)}})
}
