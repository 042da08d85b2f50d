//go:build js && wasm

package engine_test

// In the page, express cors writes no program and reads no text, as
// before it moved to engine/server: its Export and Import (jsconfig's
// reader) are the command's (engine/server/expresscors/command.go).
func init() { commandParts["express-cors"] = []string{"Export", "Import"} }
