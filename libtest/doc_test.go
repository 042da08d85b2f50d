// Package libtest proves the engine's library emulations against the real libraries.
package libtest
