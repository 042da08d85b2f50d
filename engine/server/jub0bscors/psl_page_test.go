//go:build corsplaypage

package jub0bscors

import (
	"errors"
	"os"
	"strings"
	"testing"

	"corsplay/engine/server"
	"corsplay/engine/server/emutest"
)

// In the page's build the list comes from PSL: here psl.txt, as the app's
// reads it from web/psl.js (make wasmtest runs this build).
func init() {
	PSL = func() (string, error) {
		b, err := os.ReadFile("psl.txt")
		return string(b), err
	}
}

// TestPSLUnread: a credentialed subdomain pattern needs the list; while
// it cannot be read, the emulation says so at the pattern's path (not in
// jub0bs/cors's words, which it cannot know), and reads it again next time.
func TestPSLUnread(t *testing.T) {
	read := PSL
	defer func() { PSL = read }()
	psl.Lock()
	psl.rules = nil
	psl.Unlock()
	const options = `{"Origins": ["https://example.com", "https://*.github.io"], "Credentialed": true}`
	PSL = func() (string, error) { return "", errors.New("psl.js is not loaded") }
	_, err := emutest.New(t, Name, options)
	var oe *server.OptionError
	if !errors.As(err, &oe) || oe.Path != "Origins[1]" || !strings.Contains(oe.Problem, "Public Suffix List") || !strings.Contains(oe.Problem, "psl.js is not loaded") {
		t.Errorf("unread list: got %v, want an OptionError at Origins[1] naming the list and the cause", err)
	}
	if _, suffix := CredentialedRisks("https://*.github.io"); suffix {
		t.Error("CredentialedRisks: a subdomain risk reported without the list")
	}
	PSL = read
	_, err = emutest.New(t, Name, options)
	var ce *server.ConfigError
	if !errors.As(err, &ce) || !strings.Contains(ce.Message, `origin patterns like "https://*.github.io" that encompass subdomains of a public suffix`) {
		t.Errorf("list read: got %v, want jub0bs/cors's refusal", err)
	}
}
