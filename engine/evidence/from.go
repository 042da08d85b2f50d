package evidence

// From names where r came from, for a heading: "Firefox's console", "a HAR
// file", "curl's output".
func (r Result) From() string {
	if r.Source == SourceConsole {
		if b, ok := browserTitles[r.Browser]; ok {
			return b + "'s console"
		}
	}
	return sourceTitles[r.Source]
}
