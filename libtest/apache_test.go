package libtest

import (
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"corsplay/engine"
	"corsplay/engine/server/apache"
)

// The real Apache httpd 2.4.71 of Debian 12 (apache2) against the engine's
// "apache" emulation. Each configuration is exported (Library.Program: a
// complete httpd.conf with the text inside the <Directory> of the document
// root, and the mod_lua application), checked with apache2 -t, run with
// apache2 -X on a loopback port of its own with its server root in a
// temporary directory, and sent every request of wsRequests over a fresh
// connection: the status and every header line must be the emulation's,
// names as httpd writes them, in order. A configuration httpd refuses must
// be one the emulation refuses, with httpd's message.

const apInstall = "install Debian 12's apache2 (apt-get install apache2; `make deps` does), which provides /usr/sbin/apache2 2.4.71 and its modules in /usr/lib/apache2/modules"

var apConfigs = []struct{ name, text string }{
	{"Header always and the R=200 preflight", `
Header always set Access-Control-Allow-Origin "*"
Header always set Access-Control-Allow-Methods "POST, GET, OPTIONS, DELETE, PUT"
Header always set Access-Control-Max-Age "1000"
Header always set Access-Control-Allow-Headers "x-requested-with, Content-Type, origin, authorization, accept, client-security-token"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ^(.*)$ $1 [R=200,L]`},
	{"Header set (onsuccess) and the R=204 preflight: the preflight loses them", `
<IfModule mod_headers.c>
    Header set Access-Control-Allow-Origin "https://a.example.com"
    Header set Access-Control-Allow-Credentials "true"
    Header always set Access-Control-Allow-Methods "GET, PUT"
</IfModule>
<IfModule mod_rewrite.c>
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^(.*)$ $1 [R=204,L]
</IfModule>`},
	{"the SetEnvIf whitelist of .htaccess snippets, with a missing dot escape", `
<IfModule mod_headers.c>
    SetEnvIf Origin "http(s)?://(www\.)?(a.example.com|staging.example.com)$" AccessControlAllowOrigin=$0
    Header add Access-Control-Allow-Origin %{AccessControlAllowOrigin}e env=AccessControlAllowOrigin
    Header merge Vary Origin
</IfModule>`},
	{"reflect every origin with credentials (the dangerous one)", `
SetEnvIf Origin "^(.*)$" ORIGIN=$1
Header always set Access-Control-Allow-Origin "%{ORIGIN}e"
Header always set Access-Control-Allow-Credentials true
Header always set Access-Control-Allow-Headers "%{ACRH}e" env=ACRH
SetEnvIfNoCase Access-Control-Request-Headers "(.+)" ACRH=$1`},
	{"%{HTTP_ORIGIN}e is unset, %{X}e writes (null)", `
Header set Access-Control-Allow-Origin "%{HTTP_ORIGIN}e" env=HTTP_ORIGIN
Header set X-Unset "%{NOPE}e"
Header always set X-Both always
Header set X-Both onsuccess
Header always set Access-Control-Allow-Origin *
Header set Access-Control-Allow-Origin https://a.example.com`},
	{"a pattern without metacharacters: $0 is not substituted", `
SetEnvIf Origin "https://a\.example\.com" AO=$0
SetEnvIfNoCase Origin "A.EXAMPLE" AO2=x
Header set Access-Control-Allow-Origin %{AO}e env=AO
Header set X-AO2 %{AO2}e env=AO2`},
	{"RewriteCond on the origin, E= and the answering flags", `
RewriteEngine On
RewriteCond %{HTTP:Origin} ^(https://(a|b)\.example\.com)$ [NC]
RewriteRule .* - [E=CORS_ORIGIN:%1]
RewriteCond %{HTTP_ORIGIN} .
RewriteRule .* - [E=NEVER:1]
RewriteCond %{REQUEST_METHOD} =DELETE [NC]
RewriteRule ^ - [F]
RewriteCond %{REQUEST_METHOD} ^PATCH$ [OR]
RewriteCond %{REQUEST_METHOD} ^patch$
RewriteRule ^ - [G]
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteCond %{HTTP:Access-Control-Request-Method} !^$ [NV]
RewriteRule ^(.*)$ $1 [R=204,L]
Header always set Access-Control-Allow-Origin %{CORS_ORIGIN}e env=CORS_ORIGIN
Header always set Vary Origin
Header set X-Never %{NEVER}e env=NEVER`},
	{"<If> on the origin and the method, <Else>", `
<If "%{HTTP:Origin} =~ m#^https://(a|b)\.example\.com$#i">
    Header always set Access-Control-Allow-Origin "https://a.example.com"
    Header set X-If yes
</If>
<ElseIf "req('Origin') == 'null' || %{REQUEST_METHOD} in { 'PUT', 'DELETE' }">
    Header set X-ElseIf yes
</ElseIf>
<Else>
    Header set X-Else yes
</Else>
<If "%{REQUEST_METHOD} == 'OPTIONS' && -n %{HTTP:Access-Control-Request-Method}">
    Header always set Access-Control-Allow-Methods "GET, PUT"
</If>
Header set X-Outer outer`},
	{"echo, unset, setifempty, append and merge", `
Header always echo ^Access-Control-Request-
Header echo ^Orig
Header set X-A one
Header append X-A two
Header merge X-A two
Header merge X-A "three"
Header add X-A four
Header unset X-A
Header setifempty X-S first
Header setifempty X-S second
Header add X-S third
Header set Vary "Accept-Encoding, origin"
Header always append Vary "Origin"`},
	{"the same origin regex in SetEnvIfNoCase, with a quoted value", `
SetEnvIfNoCase Origin "^https://([a-z]+)\.example\.com$" SUB=$1 ALLOWED
Header always set Access-Control-Allow-Origin "https://%{SUB}e.example.com" env=ALLOWED
Header always set X-Quote "say \"hi\"; 100%% sure" env=!ALLOWED
SetEnvIf Request_Method "OPTIONS" PREFLIGHT
Header always set Access-Control-Max-Age 600 env=PREFLIGHT`},
	{"echo and <If> on the error path", `
<If "%{HTTP:Origin} == 'https://a.example.com'">
    Header always set Access-Control-Allow-Origin "https://a.example.com"
</If>
<ElseIf "!(-z %{HTTP:Origin}) && %{REQUEST_METHOD} != 'GET'">
    Header always set X-Other-Origin yes
</ElseIf>
Header always echo ^Access-Control-Request-Headers$
Header merge Vary "Accept"
RewriteEngine On
RewriteCond %{REQUEST_METHOD} ^(OPTIONS|HEAD)$
RewriteRule ^ - [R=204]
RewriteCond %{REQUEST_METHOD} =PUT
RewriteRule ^ - [R=404,L]
RewriteCond %{REQUEST_METHOD} =DELETE
RewriteRule ^ - [R=503]
RewriteCond %{REQUEST_METHOD} =POST
RewriteRule ^ - [R=401]`},
	{"unset across the tables, setifempty, (null) values", `
Header always set X-T a
Header always unset X-T
Header set X-T b
Header always setifempty X-E "%{A}e %{B}e"
Header always setifempty X-E again
Header add Vary Origin
Header always add vary "Origin, Accept"
Header set X-Single 'single quoted'
# a comment, then a continued line
Header set X-Cont \
    continued`},
	{"SetEnvIf on variables, the method and the path", `
SetEnvIf Origin "^(.+)$" O=$1
SetEnvIf O "evil" !O
SetEnvIf O "^https://" SECURE
SetEnvIf Request_URI "^/r$" ON_R=yes
SetEnvIf Request_Method "^(PUT|PATCH)$" WRITE=$1
SetEnvIfNoCase Request_Method "^patch$" LOWER=$0
Header set Access-Control-Allow-Origin %{O}e env=SECURE
Header set X-R %{ON_R}e
Header set X-Write "%{WRITE}e/%{LOWER}e" env=WRITE
<IfModule !mod_headers.c>
    Header set X-Never never
</IfModule>
<IfModule mod_alias.c>
    Redirect 301 /r https://elsewhere.example/
</IfModule>`},
	{"RewriteCond chains on the origin: negation, OR, NV, Host", `
RewriteEngine On
RewriteCond %{HTTP:Origin} !^https://a\.example\.com$
RewriteCond %{HTTP:Origin} evil [OR]
RewriteCond %{HTTP:Origin} ^null$ [NC]
RewriteRule ^ - [E=BAD:%{HTTP:Origin}]
RewriteCond %{HTTP_HOST} ^api\.
RewriteCond %{HTTP_USER_AGENT} ^$
RewriteCond %{HTTP:Authorization} ^Bearer [NV]
RewriteRule ^r$ - [E=AUTH:1]
Header always set X-Bad "%{BAD}e" env=BAD
Header always set X-Auth "%{AUTH}e" env=AUTH
RewriteCond %{ENV:BAD} .
RewriteRule ^ - [F]`},
	{"regex httpd cannot compile", `SetEnvIf Origin "^(https://a" OK`},
	{"a bad Header action", `Header always put Access-Control-Allow-Origin *`},
	{"a bad status for R", `RewriteEngine On
RewriteRule ^ - [R=299]`},
	{"RewriteEngine maybe", `RewriteEngine maybe`},
	{"%{HTTP_ORIGIN} in an <If>", `<If "%{HTTP_ORIGIN} == 'https://a.example.com'">
Header set X y
</If>`},
	{"a header format httpd does not know", `Header set Access-Control-Allow-Origin "%{Origin}x"`},
	{"Header without its value", `Header always set Access-Control-Allow-Origin`},
}

// apSyntax is httpd's refusal.
var apSyntax = regexp.MustCompile(`Syntax error on line \d+ of \S+:\n(.*)\n`)

// apBin is Debian's apache2 2.4.71, with the modules the exports load.
func apBin(t *testing.T) string {
	bin, err := exec.LookPath("apache2")
	if err != nil {
		if bin, err = exec.LookPath("/usr/sbin/apache2"); err != nil {
			t.Fatalf("apache2 is not on PATH: %s", apInstall)
		}
	}
	if out, err := exec.Command(bin, "-v").CombinedOutput(); err != nil || !strings.Contains(string(out), "Apache/2.4.71") {
		t.Fatalf("apache2 -v: %q, %v: want Apache/2.4.71 (%s)", out, err, apInstall)
	}
	for _, m := range []string{"mpm_prefork", "authz_core", "headers", "setenvif", "rewrite", "lua"} {
		if _, err := os.Stat("/usr/lib/apache2/modules/mod_" + m + ".so"); err != nil {
			t.Fatalf("mod_%s is missing: %s", m, apInstall)
		}
	}
	return bin
}

// apRun runs text (exported by the emulation) with httpd, sends reqs and
// compares every answer with the emulation's; it counts the pairs into
// kinds and returns how many.
func apRun(t *testing.T, bin, name, text string, reqs []engine.HTTPRequest, kinds map[string]int) int {
	lib := engine.Library{Name: "apache", Options: wsOptions(text)}
	srv := engine.Server{Library: &lib}
	_, emuErr := srv.Respond(engine.HTTPRequest{Method: "GET", URL: "http://api.example.com/r"})
	var ce *engine.ConfigError
	if emuErr != nil && !errors.As(emuErr, &ce) {
		t.Errorf("%s: the emulation cannot read it: %v", name, emuErr)
		return 0
	}
	prog, err := lib.Program("/r")
	if err != nil {
		t.Errorf("%s: Program: %v", name, err)
		return 0
	}
	dir := t.TempDir()
	port := wsPort(t)
	conf := strings.Replace(prog, "Listen 127.0.0.1:8080", "Listen 127.0.0.1:"+strconv.Itoa(port), 1)
	for file, data := range map[string]string{"httpd.conf": conf, "app.lua": apache.App, "htdocs/.keep": ""} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, file)), 0o755)
		if err := os.WriteFile(filepath.Join(dir, file), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Chmod(dir, 0o755)
	file := filepath.Join(dir, "httpd.conf")
	check := exec.Command(bin, "-t", "-d", dir, "-f", file)
	check.Dir = dir // mod_lua reads app.lua from the working directory
	out, err := check.CombinedOutput()
	if err != nil {
		m := apSyntax.FindStringSubmatch(string(out))
		want := ""
		if ce != nil {
			_, want, _ = strings.Cut(ce.Message, "Syntax error on line ")
			_, want, _ = strings.Cut(want, ": ")
		}
		if m == nil || m[1] != want {
			t.Errorf("%s: httpd refuses it with %q; the emulation: %v", name, out, emuErr)
		}
		kinds["refused"]++
		return 1
	}
	if ce != nil {
		t.Errorf("%s: httpd accepts it, the emulation refuses it: %v", name, ce)
		return 0
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	run := exec.Command(bin, "-X", "-d", dir, "-f", file)
	run.Dir = dir
	stop := wsServe(t, run, addr)
	defer stop()
	for _, req := range reqs {
		want := wsSend(t, addr, req)
		resp, err := srv.Respond(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := wsEmulated(resp); got.String() != want.String() {
			t.Errorf("%s, %s:\n  httpd:     %s\n  emulation: %s", name, wsLabel(req), want, got)
		}
		kinds[wsKind(want)]++
	}
	return len(reqs)
}

func TestApache(t *testing.T) {
	bin := apBin(t)
	pairs, kinds := 0, map[string]int{}
	for i, cfg := range apConfigs {
		pairs += apRun(t, bin, "config "+strconv.Itoa(i)+" ("+cfg.name+")", cfg.text, wsRequests(), kinds)
	}
	if pairs < 150 {
		t.Errorf("%d configuration × request pairs ran, want at least 150", pairs)
	}
	t.Logf("Apache httpd 2.4.71: %d pairs over %d configurations; answers %v", pairs, len(apConfigs), kinds)
}

// TestApacheFixes runs each fix case of the apache package's testdata
// with httpd: the blocked text and the fixed one answer the case's
// requests (and the usual ones) as the emulation does, which says blocked
// before and allowed after.
func TestApacheFixes(t *testing.T) {
	bin := apBin(t)
	kinds, pairs, fixes := map[string]int{}, 0, 0
	for _, c := range wsFixCases(t, "apache") {
		before, after := c.run(t, "apache")
		pairs += apRun(t, bin, c.Name+" (blocked)", before, append(c.requests(), wsRequests()...), kinds)
		pairs += apRun(t, bin, c.Name+" (fixed)", after, append(c.requests(), wsRequests()...), kinds)
		fixes++
	}
	t.Logf("Apache httpd 2.4.71: %d fixes, their texts blocked and fixed: %d pairs; answers %v", fixes, pairs, kinds)
}

// apPieces are realistic lines TestApacheRandom combines.
var apPieces = []string{
	`Header always set Access-Control-Allow-Origin "*"`,
	`Header set Access-Control-Allow-Origin "*"`,
	`Header add Access-Control-Allow-Origin %{AO}e env=AO`,
	`Header always set Access-Control-Allow-Origin "%{AO}e" env=AO`,
	`Header always set Access-Control-Allow-Credentials "true"`,
	`Header set Access-Control-Allow-Credentials true env=AO`,
	`Header merge Vary Origin`,
	`Header always append Vary "Origin"`,
	`Header always set Access-Control-Allow-Headers "%{ACRH}e" env=ACRH`,
	`SetEnvIf Origin "^https://(a|b)\.example\.com$" AO=$0`,
	`SetEnvIf Origin "a.example.com" AO=$0`,
	`SetEnvIfNoCase Origin "^(https?://[a-z.]+example\.com)$" AO=$1`,
	`SetEnvIf Origin "null" !AO`,
	`SetEnvIf Access-Control-Request-Headers "(.+)" ACRH=$1`,
	"RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=200,L]",
	"RewriteEngine On\nRewriteCond %{REQUEST_METHOD} OPTIONS\nRewriteRule ^(.*)$ $1 [R=204,L]",
	"RewriteEngine On\nRewriteCond %{HTTP:Origin} !^$\nRewriteCond %{HTTP:Origin} !example [NC]\nRewriteRule ^ - [F]",
	"<If \"%{HTTP:Origin} =~ /example/\">\n    Header always set X-Seen yes\n</If>",
	"<IfModule mod_headers.c>\n    Header always setifempty Access-Control-Max-Age 600\n</IfModule>",
	`Header always echo ^Access-Control-Request-Method$`,
	`Header unset Access-Control-Allow-Origin`,
	`Header always unset Access-Control-Allow-Origin`,
	"RewriteEngine On\nRewriteCond %{HTTP:Origin} ^(https://a\\.example\\.com)$ [OR]\nRewriteCond %{HTTP:Origin} ^(null)$\nRewriteRule ^ - [E=AO:%1]",
	"<If \"req('Origin') == 'null'\">\n    Header always set Access-Control-Allow-Origin \"null\"\n</If>\n<Else>\n    Header merge Vary Origin\n</Else>",
	`Header always set Access-Control-Expose-Headers "X-Total-Count"`,
	"RewriteEngine On\nRewriteRule ^r$ - [R=401]",
}

// TestApacheRandom combines the pieces at random (a fixed seed) and
// compares httpd with the emulation on each combination.
func TestApacheRandom(t *testing.T) {
	bin := apBin(t)
	rnd := rand.New(rand.NewPCG(16, 2))
	kinds, pairs := map[string]int{}, 0
	for i := 0; i < wsRandomN; i++ {
		var lines []string
		for range 2 + rnd.IntN(5) {
			lines = append(lines, apPieces[rnd.IntN(len(apPieces))])
		}
		text := strings.Join(lines, "\n")
		pairs += apRun(t, bin, "random "+strconv.Itoa(i)+":\n"+text+"\n", text, wsRequests(), kinds)
	}
	t.Logf("Apache httpd 2.4.71, random texts: %d pairs; answers %v", pairs, kinds)
}
