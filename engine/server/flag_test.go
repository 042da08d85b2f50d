package server

import (
	"slices"
	"testing"
)

func TestReadRegex(t *testing.T) {
	rb, re := []string{`\A`, "^"}, []string{`\z`, "$"}
	for _, tt := range []struct {
		src, host, scheme string
		dot               int
		start, end, has   bool
		misread           bool
		first             string // Candidates()[0]
	}{
		{`app\.example\.com`, "app.example.com", "https", -1, false, false, false, true, "https://app.example.com.evil-attacker.net"},
		{`\Ahttps:\/\/app.example.com\z`, "app.example.com", "https", 3, true, true, true, true, "https://appxexample.com"},
		{`^https?://app\.example\.com$`, "app.example.com", "https", -1, true, true, true, false, ""},
		{`^http://App\.example\.com\$`, "app.example.com", "http", -1, true, false, true, true, "http://app.example.com.evil-attacker.net"},
		{`example\.com\z`, "example.com", "https", -1, false, true, false, true, "https://evil-attackerexample.com"},
		{`^https://(www\.)?example\.com$`, "", "https", -1, true, true, true, false, ""},
	} {
		r := ReadRegex(tt.src, rb, re)
		c := r.Candidates()
		if r.Host != tt.host || r.Scheme != tt.scheme || r.Dot != tt.dot || r.Start != tt.start || r.End != tt.end || r.HasScheme != tt.has ||
			r.Misread() != tt.misread || tt.first != "" && (len(c) == 0 || c[0] != tt.first) {
			t.Errorf("%s: %+v misread %v candidates %q", tt.src, r, r.Misread(), c)
		}
	}
}

func TestWildcard(t *testing.T) {
	for e, tame := range map[string]bool{"https://*.a.example": true, "http://localhost:*": true, "https://*a.example": false,
		"https://a.*": false, "https://*": false, "https://*.a.*": false} {
		if WildcardTame(e) != tame {
			t.Errorf("WildcardTame(%s) = %v", e, !tame)
		}
	}
	if c := WildcardCandidates("https://a.example.*"); !slices.Contains(c, "https://a.example.com.evil-attacker.net") {
		t.Errorf("candidates %q", c)
	}
	if i := WildcardIntended("https://*.a.example"); i != "https://app.a.example" {
		t.Errorf("intended %s", i)
	}
}
