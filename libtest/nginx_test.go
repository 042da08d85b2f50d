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
)

// The real nginx 1.22.1 of Debian 12 (nginx-light) against the engine's
// "nginx" emulation. Each configuration is exported (Library.Program: a
// complete nginx.conf with the text inside location /), checked with
// nginx -t, run on a loopback port of its own with -p in a temporary
// directory, and sent every request of wsRequests over a fresh connection:
// the status and every header line must be the emulation's, names as
// nginx writes them, in order. A configuration nginx refuses must be one
// the emulation refuses, with nginx's message.

const ngInstall = "install Debian 12's nginx-light (apt-get install nginx-light; `make deps` does), which provides /usr/sbin/nginx 1.22.1"

var ngConfigs = []struct{ name, text string }{
	{"reflect any origin, credentials (the dangerous snippet)", `
add_header Access-Control-Allow-Origin $http_origin always;
add_header Access-Control-Allow-Credentials true always;
add_header Access-Control-Allow-Methods "GET, POST, PUT, DELETE, OPTIONS" always;
add_header Access-Control-Allow-Headers "Authorization, Content-Type" always;
if ($request_method = OPTIONS) {
    return 204;
}`},
	{"add_header in the if drops the location's (the classic bug)", `
add_header 'Access-Control-Allow-Origin' 'https://a.example.com';
add_header 'Access-Control-Allow-Credentials' 'true';
if ($request_method = 'OPTIONS') {
    add_header 'Access-Control-Allow-Methods' 'GET, POST, OPTIONS';
    add_header 'Access-Control-Allow-Headers' 'Authorization,Content-Type';
    add_header 'Access-Control-Max-Age' 1728000;
    add_header 'Content-Type' 'text/plain; charset=utf-8';
    add_header 'Content-Length' 0;
    return 204;
}`},
	{"map with an exact origin, an anchored regex and a missing dot escape", `
map $http_origin $cors_origin {
    default "";
    "https://a.example.com" $http_origin;
    "~^https://(.+\.)?good\.example$" $http_origin;
    "~^https://a.example.com" "$http_origin";
}
add_header Access-Control-Allow-Origin $cors_origin always;
add_header Vary Origin always;
if ($request_method = OPTIONS) {
    add_header Access-Control-Allow-Origin $cors_origin always;
    add_header Access-Control-Allow-Methods "GET, PUT, PATCH, DELETE" always;
    add_header Access-Control-Allow-Headers $http_access_control_request_headers always;
    add_header Vary Origin always;
    return 204;
}`},
	{"the set/if state machine", `
set $cors '';
if ($http_origin ~ '^https?://(localhost|a\.example\.com)') {
    set $cors 'true';
}
if ($request_method = 'OPTIONS') {
    set $cors "${cors}options";
}
if ($cors = 'true') {
    add_header 'Access-Control-Allow-Origin' "$http_origin" always;
    add_header 'Access-Control-Allow-Credentials' 'true' always;
}
if ($cors = 'trueoptions') {
    add_header 'Access-Control-Allow-Origin' "$http_origin";
    add_header 'Access-Control-Allow-Methods' 'GET, POST, PUT, DELETE, OPTIONS';
    add_header 'Access-Control-Allow-Headers' 'Authorization,Content-Type,Accept';
    return 204;
}`},
	{"wildcard without always, a 403 for other origins", `
add_header Access-Control-Allow-Origin *;
add_header X-Always yes always;
if ($http_origin !~* "^https://[a-z]+\.example\.com$") {
    return 403;
}`},
	{"case-insensitive regex, captures and return texts", `
if ($http_origin ~* "^(https?)://([a-z]+)\.EXAMPLE\.com$") {
    set $o "$1://$2.example.com";
}
add_header Access-Control-Allow-Origin $o always;
add_header X-Capture "[$1][$2][$3]" always;
add_header X-Scheme $scheme:$host$request_uri always;
if ($request_method = PATCH) {
    return 405 "no patch here";
}
if ($request_method = DELETE) {
    return 500;
}`},
	{"named captures, a map on the method, returns with variables", `
map $request_method $preflight {
    OPTIONS 1;
    default 0;
}
if ($http_origin ~ "^https://(?<sub>[a-z]+)\.example\.com$") {
    add_header Access-Control-Allow-Origin "https://$sub.example.com";
    add_header X-Sub $sub always;
}
if ($preflight) {
    return 200 "$preflight $http_access_control_request_method";
}
if ($request_method = HEAD) {
    return 404 "";
}`},
	{"wildcard, credentials, max age and expose headers, all always", `
add_header Access-Control-Allow-Origin "*" always;
add_header Access-Control-Allow-Credentials "true" always;
add_header Access-Control-Expose-Headers "X-Total-Count" always;
add_header Access-Control-Max-Age 86400 always;
add_header Access-Control-Allow-Methods $http_access_control_request_method always;
if ($request_method = "OPTIONS") { return 204 "ignored"; }
if ($request_method = POST) { return 201 "created"; }
if ($request_method = PUT) { return 301 https://$host/moved; }
if ($request_method = DELETE) { return 418; }`},
	{"the origin compared with = and !=", `
if ($http_origin = "https://a.example.com") {
    add_header Access-Control-Allow-Origin $http_origin;
    add_header Access-Control-Allow-Credentials true;
}
if ($http_origin != "https://a.example.com") {
    add_header X-Refused $http_origin always;
}
add_header X-Outer outer;`},
	{"a map whose default reflects, and an empty value", `
map $http_origin $allow {
    default $http_origin;
    "null" "";
    ~*evil "";
}
add_header Access-Control-Allow-Origin $allow always;
add_header Access-Control-Allow-Headers "$http_access_control_request_headers" always;
add_header Access-Control-Allow-Methods "GET,PUT,PATCH" always;
add_header X-Empty "" always;
if ($request_method = OPTIONS) { return 200; }`},
	{"escapes, quotes and comments", `
# CORS for the API
add_header "Access-Control-Allow-Origin" "https://a.example.com" always; # the app
add_header X-Quote 'say \"hi\"' always;
set $v "x\ty";
add_header X-Tab $v always;
add_header X-Braced "${v}z" always;`},
	{"several ifs: the last true one's add_header lines", `
add_header X-Loc loc always;
if ($http_origin) {
    add_header X-Has-Origin $http_origin always;
}
if ($request_method = GET) {
    add_header X-Get get always;
}
if ($request_method != OPTIONS) {
    set $not_options 1;
}
add_header X-Not-Options $not_options always;`},
	{"map captures, a map of a map, volatile, an escaped key", `
map $http_origin $origin_host {
    volatile;
    "~^https?://(?<h>[^/:]+)" $h;
    \~tilde tilde;
}
map $origin_host $trusted {
    default 0;
    A.EXAMPLE.COM 1;
    ~^[a-z]+\.example\.com$ 1;
}
map $http_origin $first {
    "~^(https?)://(.*)$" "$2 via $1";
}
add_header X-Host "$origin_host" always;
add_header X-Trusted $trusted always;
add_header X-First $first always;
if ($trusted) {
    add_header Access-Control-Allow-Origin $http_origin always;
    add_header Vary Origin always;
}`},
	{"status codes with and without text", `
add_header Access-Control-Allow-Origin https://a.example.com always;
if ($http_origin = null) { return 401; }
if ($http_origin ~ evil) { return 503 "$http_origin is not welcome"; }
if ($http_origin ~ "^http:") { return 302 https://api.example.com/r; }
if ($request_method = PUT) { return 206; }
if ($request_method = PATCH) { return 429; }
if ($request_method = POST) { return 200; }
if ($request_method = HEAD) { return 304 "x"; }
if ($http_authorization) { return 409; }
if ($request_method = OPTIONS) { return 507; }`},
	{"request variables and headers", `
add_header X-Vars "$scheme|$host|$request_uri|$args|$is_args|$request_method" always;
add_header X-Headers "$http_authorization|$http_cookie|$http_access_control_request_headers|$http_x_none" always;
if ($http_origin ~* ^https://(a|b)\.example\.com$) {
    add_header Access-Control-Allow-Origin $http_origin;
}`},
	{"set and map on $http_NAME and $args override them", `
map $http_origin $args { default "mapped:$http_origin"; }
map $request_method $http_x_method { default $request_method; OPTIONS "preflight"; }
add_header X-Origin "[$http_origin]" always;
add_header X-Args "[$args]" always;
add_header X-Method "[$http_x_method]" always;
if ($request_method = POST) {
    set $http_origin "posted";
}
add_header X-Again "[$http_origin]" always;`},
	{"unknown variable: nginx refuses", `add_header Access-Control-Allow-Origin $cors_orign always;
map $http_origin $cors_origin { default ""; }`},
	{"regex nginx cannot compile", `if ($http_origin ~ "^https://(a|b\.example\.com$") { return 204; }`},
	{"invalid condition", `if $request_method = OPTIONS { return 204; }`},
	{"a duplicate map default", `map $http_origin $x { default a; default b; }
add_header X $x;`},
	{"return with a bad code", `return 20x;`},
	{"a backslash does not escape $", `add_header X-Dollar "a\$b" always;`},
	{"add_header with a bad parameter", `add_header X y sometimes;`},
	{"nested if", `if ($request_method = OPTIONS) { if ($http_origin) { return 204; } }`},
}

// ngEmerg is nginx's refusal: "nginx: [emerg] MSG in FILE:LINE" or
// "nginx: [emerg] MSG".
var ngEmerg = regexp.MustCompile(`\[emerg\] (?:\d+#\d+: )?(.*?)( in /\S+:\d+)?\n`)

// ngBin is Debian's nginx 1.22.1.
func ngBin(t *testing.T) string {
	bin, err := exec.LookPath("nginx")
	if err != nil {
		t.Fatalf("nginx is not on PATH: %s", ngInstall)
	}
	if out, err := exec.Command(bin, "-v").CombinedOutput(); err != nil || !strings.Contains(string(out), "nginx/1.22.1") {
		t.Fatalf("nginx -v: %q, %v: want nginx/1.22.1 (%s)", out, err, ngInstall)
	}
	return bin
}

// ngRun runs text (exported by the emulation) with nginx, sends reqs and
// compares every answer with the emulation's; it counts the pairs into
// kinds and returns how many.
func ngRun(t *testing.T, bin, name, text string, reqs []engine.HTTPRequest, kinds map[string]int) int {
	lib := engine.Library{Name: "nginx", Options: wsOptions(text)}
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
	conf := strings.Replace(prog, "listen 127.0.0.1:8080;", "listen 127.0.0.1:"+strconv.Itoa(port)+";", 1)
	file := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(file, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-t", "-p", dir+"/", "-c", file).CombinedOutput()
	if err != nil {
		m := ngEmerg.FindStringSubmatch(string(out))
		want := ""
		if ce != nil {
			want = strings.TrimPrefix(ce.Message, "[emerg] ")
			if j := strings.LastIndex(want, " in line "); j >= 0 {
				want = want[:j]
			}
		}
		if m == nil || m[1] != want {
			t.Errorf("%s: nginx refuses it with %q; the emulation: %v", name, out, emuErr)
		}
		kinds["refused"]++
		return 1
	}
	if ce != nil {
		t.Errorf("%s: nginx accepts it, the emulation refuses it: %v", name, ce)
		return 0
	}
	addr := "127.0.0.1:" + strconv.Itoa(port)
	stop := wsServe(t, exec.Command(bin, "-p", dir+"/", "-c", file), addr)
	defer stop()
	for _, req := range reqs {
		want := wsSend(t, addr, req)
		resp, err := srv.Respond(req)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := wsEmulated(resp); got.String() != want.String() {
			t.Errorf("%s, %s:\n  nginx:     %s\n  emulation: %s", name, wsLabel(req), want, got)
		}
		kinds[wsKind(want)]++
	}
	return len(reqs)
}

func TestNginx(t *testing.T) {
	bin := ngBin(t)
	pairs, kinds := 0, map[string]int{}
	for i, cfg := range ngConfigs {
		pairs += ngRun(t, bin, "config "+strconv.Itoa(i)+" ("+cfg.name+")", cfg.text, wsRequests(), kinds)
	}
	if pairs < 150 {
		t.Errorf("%d configuration × request pairs ran, want at least 150", pairs)
	}
	t.Logf("nginx 1.22.1: %d pairs over %d configurations; answers %v", pairs, len(ngConfigs), kinds)
}

// TestNginxFixes runs each fix case of the nginx package's testdata with
// nginx: the blocked text and the fixed one answer the case's requests
// (and the usual ones) as the emulation does, which says blocked before
// and allowed after.
func TestNginxFixes(t *testing.T) {
	bin := ngBin(t)
	kinds, pairs, fixes := map[string]int{}, 0, 0
	for _, c := range wsFixCases(t, "nginx") {
		before, after := c.run(t, "nginx")
		pairs += ngRun(t, bin, c.Name+" (blocked)", before, append(c.requests(), wsRequests()...), kinds)
		pairs += ngRun(t, bin, c.Name+" (fixed)", after, append(c.requests(), wsRequests()...), kinds)
		fixes++
	}
	t.Logf("nginx 1.22.1: %d fixes, their texts blocked and fixed: %d pairs; answers %v", fixes, pairs, kinds)
}

// ngPieces are realistic lines TestNginxRandom combines.
var ngPieces = []string{
	`add_header Access-Control-Allow-Origin $http_origin always;`,
	`add_header Access-Control-Allow-Origin $http_origin;`,
	`add_header Access-Control-Allow-Origin "*";`,
	`add_header 'Access-Control-Allow-Origin' 'https://a.example.com' always;`,
	`add_header Access-Control-Allow-Origin $cors always;`,
	`add_header Access-Control-Allow-Credentials true;`,
	`add_header Access-Control-Allow-Credentials "true" always;`,
	`add_header Vary Origin;`,
	`add_header Access-Control-Allow-Headers $http_access_control_request_headers always;`,
	`set $cors "";`,
	`set $cors $http_origin;`,
	`if ($http_origin ~* "^https://(a|b)\.example\.com$") { set $cors $http_origin; }`,
	`if ($http_origin ~ a.example.com) { set $cors "$http_origin"; }`,
	`if ($http_origin = null) { set $cors ""; }`,
	`if ($request_method = 'OPTIONS') { return 204; }`,
	`if ($request_method = OPTIONS) { add_header Access-Control-Allow-Methods "GET, PUT, PATCH, DELETE" always; add_header Access-Control-Max-Age 3600; return 204; }`,
	`if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin $cors always; return 200 ""; }`,
	`if ($request_method !~ ^(GET|HEAD|POST|OPTIONS)$) { return 405; }`,
	`if ($cors = "") { add_header X-Cors off always; }`,
	`if ($http_authorization) { return 401 "no"; }`,
	"map $http_origin $cors_map { default \"\"; ~^https://[a-z.]+example\\.com$ $http_origin; }\nadd_header Access-Control-Allow-Origin $cors_map always;",
	`if ($http_origin ~* "^(?<proto>https?)://(?<host>[^/]+)$") { add_header X-Origin-Parts "$proto|$host|$1" always; }`,
	`if ($request_method = PUT) { return 301 https://$host$request_uri; }`,
	`add_header Access-Control-Expose-Headers "X-Total-Count, Link";`,
	`if ($http_origin) { add_header Vary Origin; }`,
	`add_header Access-Control-Allow-Methods $request_method always;`,
}

// TestNginxRandom combines the pieces at random (a fixed seed) and
// compares nginx with the emulation on each combination.
func TestNginxRandom(t *testing.T) {
	bin := ngBin(t)
	rnd := rand.New(rand.NewPCG(16, 1))
	kinds, pairs := map[string]int{}, 0
	for i := 0; i < wsRandomN; i++ {
		var lines []string
		for range 2 + rnd.IntN(5) {
			lines = append(lines, ngPieces[rnd.IntN(len(ngPieces))])
		}
		text := strings.Join(lines, "\n")
		pairs += ngRun(t, bin, "random "+strconv.Itoa(i)+":\n"+text+"\n", text, wsRequests(), kinds)
	}
	t.Logf("nginx 1.22.1, random texts: %d pairs; answers %v", pairs, kinds)
}
