package server

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
)

// GoField is one field of a Go composite literal: its name, its value as
// Go source, and a trailing comment ("" for none). An array, whose
// equality the binary has already, where a struct would add its own.
type GoField = [3]string

// GoFields prints the fields of a composite literal, each line indented by
// indent, as gofmt lays them out: values aligned after the longest key of
// each section, trailing comments aligned in each run of commented lines.
// A key much longer than the ones before it starts a new section
// (go/printer's exprList).
func GoFields(fields []GoField, indent string) string {
	var sections [][]GoField
	lnsum, count := 0.0, 0
	for i, f := range fields {
		size := len(f[0])
		newSection := i == 0
		if i > 0 && (len(fields[i-1][0]) > 40 || size > 40) {
			ratio := float64(size) / math.Exp(lnsum/float64(count))
			newSection = 2.5*ratio <= 1 || 2.5 <= ratio
		}
		if newSection {
			sections = append(sections, nil)
		}
		sections[len(sections)-1] = append(sections[len(sections)-1], f)
		lnsum += math.Log(float64(size))
		count++
	}
	var b strings.Builder
	for _, sec := range sections {
		width := 0
		for _, f := range sec {
			width = max(width, len(f[0]))
		}
		lines := make([]string, len(sec))
		for i, f := range sec {
			lines[i] = indent + f[0] + ":" + strings.Repeat(" ", width-len(f[0])+1) + f[1] + ","
		}
		for i := 0; i < len(sec); {
			j, w := i, 0
			for ; j < len(sec) && sec[j][2] != ""; j++ {
				w = max(w, len(lines[j]))
			}
			if j == i {
				b.WriteString(lines[i] + "\n")
				i++
				continue
			}
			for ; i < j; i++ {
				b.WriteString(lines[i] + strings.Repeat(" ", w-len(lines[i])+1) + "// " + sec[i][2] + "\n")
			}
		}
	}
	return b.String()
}

// GoCall prints fn(typ{…}) with the options as its fields, one a line, as
// gofmt lays them out: a Go library's Fixer.Call.
func GoCall(fn, typ string, opts []Opt) string {
	if len(opts) == 0 {
		return fn + "(" + typ + "{})"
	}
	fields := make([]GoField, len(opts))
	for i, o := range opts {
		fields[i] = GoField{o.Name, goLiteral(o.Raw)}
	}
	return fn + "(" + typ + "{\n" + GoFields(fields, "\t") + "})"
}

// goLiteral writes a JSON value as the Go value of a struct field: a
// string, list of strings, null (nil), number or boolean (as written).
func goLiteral(raw json.RawMessage) string {
	var one string
	var list []string
	switch {
	case string(raw) == "null":
		return "nil"
	case json.Unmarshal(raw, &one) == nil:
		return strconv.Quote(one)
	case json.Unmarshal(raw, &list) == nil:
		for i, s := range list {
			list[i] = strconv.Quote(s)
		}
		return "[]string{" + strings.Join(list, ", ") + "}"
	}
	return string(raw)
}
