package fastifycors

import (
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"

	"corsplay/engine/server/jsconfig"
)

// syntax is @fastify/cors's options in JavaScript: the object of
// fastify.register(cors, {...}) (or the object alone), whose values may be
// regex literals and whose keys must be the plugin's options, printed
// within 80 columns, without trailing commas, as its documentation does.
var syntax = jsconfig.Syntax{RegExps: true, Register: true, Option: knownOption, QuoteNames: true, Width: 80, NoTrailingComma: true}

// importOptions reads the options object of fastify.register(cors, {...})
// (or the object alone) written in JavaScript: strings, template literals
// without ${}, numbers, booleans, null, arrays and regex literals. Anything
// computed (a variable, a function, a call, an expression) is refused.
func importOptions(text string) (map[string]json.RawMessage, error) {
	out, _, err := syntax.Read(text)
	var e *jsconfig.Error
	if errors.As(err, &e) {
		return nil, importError{e}
	}
	return out, err
}

// knownOption refuses a key the plugin would ignore, and the delegator.
func knownOption(key string) string {
	known := optionNames()
	switch {
	case key == "delegator":
		return "a delegator is a function: it has no JSON form"
	case !slices.Contains(known, key):
		return "not an option of @fastify/cors 11.4.3 (it would be ignored): use one of " + strings.Join(known, ", ")
	}
	return ""
}

// importError is a refusal as fastify-cors words it: the option first,
// then the line and column of the character that gives it away.
type importError struct{ e *jsconfig.Error }

func (e importError) Error() string {
	at := e.e.At
	if at == [2]int{} {
		at = [2]int{e.e.Line, e.e.Column}
	}
	where := "line " + strconv.Itoa(at[0]) + ", column " + strconv.Itoa(at[1])
	if e.e.Option != "" {
		where = e.e.Option + " (" + where + ")"
	}
	return where + ": " + e.e.Problem
}

func (e importError) Unwrap() error { return e.e }
