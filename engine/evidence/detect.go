package evidence

import (
	"bytes"
	"strings"

	"corsplay/internal/lazyre"
)

// This file tells the forms apart by their first meaningful characters:
// a JSON object is a HAR, fetch( a copied fetch, curl a command, lines of
// "> " and "< " or a status line curl's output; anything else is read as
// console output, which says at once whether it holds a CORS failure.

var (
	fetchStart      = lazyre.New(`^\s*(?:await\s+)?fetch\s*\(`)
	curlStart       = lazyre.New(`^\s*(?:\$\s+)?curl(?:\.exe)?\s`)
	curlOutputStart = lazyre.New(`(?m)^(?:[<>] |\* +Trying |\* Connected to |HTTP/[0-9.]+ \d{3})`)
	// cmd.exe's quoting, as "Copy as cURL (cmd)" writes it: ^" and ^ at
	// the ends of lines.
	cmdCurl = lazyre.New(`^\s*curl(?:\.exe)?\s+\^"|\s\^\r?\n\s*(?:-|\^)`)
)

// Forms recognised only to say how to copy them instead.
const (
	sourceCmdCurl    = "curl-cmd"
	sourcePowerShell = "powershell"
)

// detect names the form of text: a Source… constant.
func detect(text []byte) string {
	trimmed := bytes.TrimLeft(text, " \t\r\n\ufeff")
	trimmed = bytes.TrimPrefix(trimmed, []byte("\ufeff"))
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return SourceHAR
	}
	head := string(trimmed[:min(len(trimmed), 4096)])
	first, _, _ := strings.Cut(head, "\n")
	switch {
	case cmdCurl.MatchString(head):
		return sourceCmdCurl
	case strings.Contains(head, "Invoke-WebRequest") || strings.Contains(head, "Invoke-RestMethod"):
		return sourcePowerShell
	case fetchStart.MatchString(head):
		return SourceFetch
	case curlStart.MatchString(first):
		return SourceCurl
	case curlOutputStart.MatchString(first):
		return SourceCurlOutput
	}
	return SourceConsole
}
