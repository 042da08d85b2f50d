package evidence

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"corsplay/engine"
)

// This file reads a curl command as bash would split it (DevTools' "Copy
// as cURL (bash)" of Chrome, Firefox and Safari, or one typed by hand),
// without running anything: quotes '…', $'…' and "…", backslashes and
// line continuations are undone, nothing is expanded, no file is read.
// What follows the command, if anything, is read as its output.

// word is one word of a command and the line it starts on.
type word struct {
	text string
	line int
}

// shellWords splits the first command of text into words, as bash does
// for the quoting forms DevTools writes. It stops at the command's end
// (an unquoted newline, ;, | or &) and returns the line the rest starts on.
func shellWords(text string) (words []word, restLine int, err error) {
	line := 1
	var cur strings.Builder
	inWord := false
	start := 0
	end := func() {
		if inWord {
			words = append(words, word{cur.String(), start})
		}
		cur.Reset()
		inWord = false
	}
	begin := func() {
		if !inWord {
			inWord, start = true, line
		}
	}
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch {
		case c == '\\' && i+1 < len(text) && text[i+1] == '\n':
			i++ // a line continuation
			line++
		case c == '\\' && i+2 < len(text) && text[i+1] == '\r' && text[i+2] == '\n':
			i += 2
			line++
		case c == '\\' && i+1 < len(text):
			begin()
			cur.WriteByte(text[i+1])
			i++
		case c == '\'':
			begin()
			j := strings.IndexByte(text[i+1:], '\'')
			if j < 0 {
				return nil, 0, errorAt(line, "a quote ' that is never closed")
			}
			s := text[i+1 : i+1+j]
			line += strings.Count(s, "\n")
			cur.WriteString(s)
			i += j + 1
		case c == '$' && i+1 < len(text) && text[i+1] == '\'':
			begin()
			n, err := ansiC(text[i+2:], &cur, &line)
			if err != nil {
				return nil, 0, err
			}
			i += n + 1
		case c == '"':
			begin()
			n, err := doubleQuoted(text[i+1:], &cur, &line)
			if err != nil {
				return nil, 0, err
			}
			i += n
		case c == '#' && !inWord:
			for i < len(text) && text[i] != '\n' {
				i++
			}
			i--
		case c == ' ' || c == '\t' || c == '\r':
			end()
		case c == '\n' || c == ';' || c == '|' || c == '&':
			end()
			if len(words) > 0 {
				if c == '\n' {
					line++
				}
				return words, line, nil
			}
			if c == '\n' {
				line++
			}
		default:
			begin()
			cur.WriteByte(c)
		}
	}
	end()
	return words, 0, nil
}

// ansiC reads the rest of a $'…' string (bash's ANSI-C quoting) into b and
// returns how many bytes it took, the closing quote included.
func ansiC(s string, b *strings.Builder, line *int) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			return i + 1, nil
		case c == '\n':
			*line++
			b.WriteByte(c)
		case c == '\\' && i+1 < len(s):
			i++
			switch e := s[i]; e {
			case 'a':
				b.WriteByte(7)
			case 'b':
				b.WriteByte(8)
			case 'e', 'E':
				b.WriteByte(27)
			case 'f':
				b.WriteByte(12)
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 't':
				b.WriteByte('\t')
			case 'v':
				b.WriteByte(11)
			case 'x', 'u', 'U':
				max := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				j := i + 1
				for j < len(s) && j < i+1+max && isHex(s[j]) {
					j++
				}
				if j == i+1 {
					b.WriteByte('\\')
					b.WriteByte(e)
					continue
				}
				n, _ := strconv.ParseUint(s[i+1:j], 16, 32)
				if e == 'x' {
					b.WriteByte(byte(n))
				} else if n <= utf8.MaxRune {
					b.WriteRune(rune(n))
				}
				i = j - 1
			case '0', '1', '2', '3', '4', '5', '6', '7':
				j := i
				for j < len(s) && j < i+3 && '0' <= s[j] && s[j] <= '7' {
					j++
				}
				n, _ := strconv.ParseUint(s[i:j], 8, 16)
				b.WriteByte(byte(n))
				i = j - 1
			case '\\', '\'', '"', '?':
				b.WriteByte(e)
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		default:
			b.WriteByte(c)
		}
	}
	return 0, errorAt(*line, "a quote $' that is never closed")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// doubleQuoted reads the rest of a "…" string: a backslash escapes only
// $ ` " \ and a newline there; nothing is expanded.
func doubleQuoted(s string, b *strings.Builder, line *int) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"':
			return i + 1, nil
		case c == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0:
			i++
			if s[i] == '\n' {
				*line++
				continue
			}
			b.WriteByte(s[i])
		case c == '\n':
			*line++
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return 0, errorAt(*line, "a quote \" that is never closed")
}

// curlCommand is what a curl command sends.
type curlCommand struct {
	url      string
	method   string // -X, or what the options imply
	headers  engine.Headers
	body     *string
	cookies  bool
	referrer string
	line     int
	notes    []string
	restLine int // where its output starts, 0 for none
}

// curlValueFlags are the options that take a value (curl --help all).
var curlValueFlags = map[string]bool{
	"-X": true, "--request": true, "-H": true, "--header": true, "-d": true, "--data": true,
	"--data-raw": true, "--data-binary": true, "--data-ascii": true, "--data-urlencode": true,
	"--json": true, "-b": true, "--cookie": true, "-c": true, "--cookie-jar": true, "-e": true,
	"--referer": true, "-A": true, "--user-agent": true, "-u": true, "--user": true, "--url": true,
	"-o": true, "--output": true, "-w": true, "--write-out": true, "-m": true, "--max-time": true,
	"--connect-timeout": true, "-x": true, "--proxy": true, "--resolve": true, "--connect-to": true,
	"--cacert": true, "--capath": true, "-E": true, "--cert": true, "--key": true, "-F": true,
	"--form": true, "--form-string": true, "-T": true, "--upload-file": true, "-K": true,
	"--config": true, "-r": true, "--range": true, "--retry": true, "--limit-rate": true,
	"--interface": true, "-Y": true, "-y": true, "-z": true, "--time-cond": true, "-C": true,
	"--continue-at": true, "--oauth2-bearer": true, "--max-redirs": true, "--trace": true,
	"--trace-ascii": true, "--stderr": true, "-D": true, "--dump-header": true,
	"--retry-delay": true, "--retry-max-time": true, "--expect100-timeout": true, "--keepalive-time": true,
	"--local-port": true, "--max-filesize": true, "--noproxy": true, "--proxy-user": true, "-U": true,
	"--socks5": true, "--socks5-hostname": true, "--ciphers": true, "--tls-max": true, "-Q": true,
	"--quote": true, "--dns-servers": true, "--unix-socket": true, "--abstract-unix-socket": true,
	"--aws-sigv4": true, "--variable": true, "--write-out-file": true, "--etag-save": true, "--etag-compare": true,
}

// readCurl reads the first command of text.
func readCurl(text string) (curlCommand, error) {
	words, restLine, err := shellWords(text)
	if err != nil {
		return curlCommand{}, err
	}
	if len(words) > 0 && words[0].text == "$" {
		words = words[1:]
	}
	if len(words) == 0 || strings.TrimSuffix(words[0].text, ".exe") != "curl" {
		return curlCommand{}, errorAt(1, "want a curl command")
	}
	c := curlCommand{line: words[0].line, restLine: restLine}
	var data []string
	var get, head, form bool
	for i := 1; i < len(words); i++ {
		w := words[i]
		flag, value := w.text, ""
		if strings.HasPrefix(flag, "--") {
			if f, v, ok := strings.Cut(flag, "="); ok && curlValueFlags[f] {
				flag, value = f, v
			} else if curlValueFlags[flag] {
				if i+1 >= len(words) {
					return c, errorAt(w.line, "%s needs a value", flag)
				}
				i++
				value = words[i].text
			}
		} else if len(flag) > 1 && flag[0] == '-' {
			// Short options cluster: -sSL, -XPOST, -sX POST.
			short := flag
			flag = ""
			for k := 1; k < len(short); k++ {
				f := "-" + short[k:k+1]
				if !curlValueFlags[f] {
					switch f {
					case "-I":
						head = true
					case "-G":
						get = true
					}
					continue
				}
				flag = f
				if k+1 < len(short) {
					value = short[k+1:]
				} else if i+1 < len(words) {
					i++
					value = words[i].text
				} else {
					return c, errorAt(w.line, "%s needs a value", f)
				}
				break
			}
		} else {
			if c.url == "" {
				c.url = w.text
			} else {
				c.notes = append(c.notes, "The command names several URLs: corsplay imported the first, "+c.url+".")
			}
			continue
		}
		switch flag {
		case "-X", "--request":
			c.method = value
		case "-H", "--header":
			name, v, ok := strings.Cut(value, ":")
			if !ok {
				if strings.HasSuffix(value, ";") {
					// curl's way of sending an empty header: -H 'X-Empty;'
					c.headers = append(c.headers, engine.Header{Name: strings.TrimSuffix(value, ";")})
					continue
				}
				return c, errorAt(w.line, "-H %q: write a header as 'Name: value'", value)
			}
			c.headers = append(c.headers, engine.Header{Name: strings.TrimSpace(name), Value: strings.TrimSpace(v)})
		case "-d", "--data", "--data-ascii", "--data-binary":
			if strings.HasPrefix(value, "@") {
				c.notes = append(c.notes, "The body comes from the file "+value[1:]+", which corsplay does not read: the scenario's body stands for it.")
				value = "(the contents of " + value[1:] + ")"
			}
			data = append(data, value)
		case "--data-raw":
			data = append(data, value)
		case "--data-urlencode":
			name, v, ok := strings.Cut(value, "=")
			if ok {
				data = append(data, name+"="+url.QueryEscape(v))
			} else {
				data = append(data, url.QueryEscape(value))
			}
		case "--json":
			data = append(data, value)
			if !c.headers.Has("Content-Type") {
				c.headers = append(c.headers, engine.Header{Name: "Content-Type", Value: jsonType})
			}
			if !c.headers.Has("Accept") {
				c.headers = append(c.headers, engine.Header{Name: "Accept", Value: jsonType})
			}
		case "-F", "--form", "--form-string":
			form = true
		case "-b", "--cookie":
			c.cookies = true
		case "-e", "--referer":
			c.referrer = strings.TrimSuffix(value, ";auto")
		case "-A", "--user-agent":
			c.headers = append(c.headers, engine.Header{Name: "User-Agent", Value: value})
		case "-u", "--user":
			c.headers = append(c.headers, engine.Header{Name: "Authorization", Value: "Basic " + base64.StdEncoding.EncodeToString([]byte(value))})
		case "--oauth2-bearer":
			c.headers = append(c.headers, engine.Header{Name: "Authorization", Value: "Bearer " + value})
		case "-r", "--range":
			c.headers = append(c.headers, engine.Header{Name: "Range", Value: "bytes=" + value})
		case "--url":
			if c.url == "" {
				c.url = value
			}
		case "-T", "--upload-file":
			if c.method == "" {
				c.method = "PUT"
			}
			body := "(the contents of " + value + ")"
			c.body = &body
		case "-K", "--config":
			c.notes = append(c.notes, "The command reads options from "+value+", which corsplay does not read.")
		}
	}
	if c.url == "" {
		return c, errorAt(c.line, "the curl command names no URL")
	}
	if !strings.Contains(c.url, "://") {
		c.url = "http://" + c.url // curl's default scheme
	}
	switch {
	case form:
		body := "(a multipart form)"
		c.body = &body
		if !c.headers.Has("Content-Type") {
			c.headers = append(c.headers, engine.Header{Name: "Content-Type", Value: "multipart/form-data; boundary=------------------------corsplay"})
		}
	case len(data) > 0 && get:
		sep := "?"
		if strings.Contains(c.url, "?") {
			sep = "&"
		}
		c.url += sep + strings.Join(data, "&")
	case len(data) > 0:
		body := strings.Join(data, "&")
		c.body = &body
		if !c.headers.Has("Content-Type") {
			c.headers = append(c.headers, engine.Header{Name: "Content-Type", Value: "application/x-www-form-urlencoded"}) // curl's default for -d
		}
	}
	if c.method == "" {
		switch {
		case head:
			c.method = "HEAD"
		case c.body != nil:
			c.method = "POST"
		default:
			c.method = "GET"
		}
	}
	return c, nil
}

// copiedFromDevTools: headers only a browser sends, so the command is
// DevTools' copy of what it sent, not one typed by hand.
func copiedFromDevTools(hs engine.Headers) bool {
	for _, h := range hs {
		l := strings.ToLower(h.Name)
		if strings.HasPrefix(l, "sec-fetch-") || strings.HasPrefix(l, "sec-ch-ua") {
			return true
		}
	}
	return browserOf(hs) != ""
}

// importCurl reads a curl command, and its output if it follows.
func importCurl(text string) (Result, error) {
	c, err := readCurl(text)
	if err != nil {
		return Result{}, err
	}
	var out curlOutput
	if c.restLine > 0 {
		lines := strings.Split(text, "\n")
		rest := strings.Join(lines[min(c.restLine-1, len(lines)):], "\n")
		if out, err = readCurlOutput(rest, c.restLine-1); err != nil {
			return Result{}, err
		}
	}
	s := seen{source: SourceCurl, where: "the curl command", line: c.line, url: c.url, method: c.method, headers: c.headers, body: c.body,
		cookies: c.cookies, referrer: c.referrer, typed: !copiedFromDevTools(c.headers), notes: c.notes}
	s.browser = browserOf(c.headers)
	if s.body != nil && len(*s.body) > maxBody {
		s.bodyBytes = len(*s.body)
		cut := (*s.body)[:maxBody]
		s.body = &cut
	}
	if err := s.addOutput(out); err != nil {
		return Result{}, err
	}
	return s.scenario()
}

// isPreflightRequest: an OPTIONS request with Access-Control-Request-Method.
func isPreflightRequest(method string, hs engine.Headers) bool {
	return strings.EqualFold(method, "OPTIONS") && hs.Has("Access-Control-Request-Method")
}

// addOutput takes the responses curl printed for the command: a preflight
// command becomes the preflight of the request it asks about.
func (s *seen) addOutput(out curlOutput) error {
	resp := out.lastResponse()
	if len(out.exchanges) > 1 {
		s.notes = append(s.notes, fmt.Sprintf("curl printed %d responses (redirects followed with -L, or several URLs): corsplay took the last.", len(out.exchanges)))
	}
	if isPreflightRequest(s.method, s.headers) {
		s.preflight = &exchangeSeen{headers: s.headers, response: resp}
		s.method, s.headers, s.body = "", nil, nil
		return nil
	}
	s.actual = resp
	return nil
}
