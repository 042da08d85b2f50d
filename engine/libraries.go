package engine

// The libraries of engine/server's registry: each registers itself.
import (
	_ "corsplay/engine/server/rackcors"
)
