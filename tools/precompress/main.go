// Command precompress writes FILE.br (brotli, best) and FILE.gz (gzip, best)
// next to each FILE, for servers that send the encoding a browser accepts.
package main

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"

	"github.com/andybalholm/brotli"
)

func main() {
	for _, name := range os.Args[1:] {
		if err := compress(name); err != nil {
			fmt.Fprintln(os.Stderr, "precompress:", err)
			os.Exit(1)
		}
	}
}

func compress(name string) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	write := func(ext string, mk func(io.Writer) io.WriteCloser) error {
		f, err := os.Create(name + ext)
		if err != nil {
			return err
		}
		w := mk(f)
		if _, err := w.Write(data); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		st, _ := f.Stat()
		fmt.Printf("%s%s: %d bytes (%d raw)\n", name, ext, st.Size(), len(data))
		return f.Close()
	}
	// The largest window RFC 7932 allows (16 MiB, which every browser's
	// decoder takes): app.wasm is 11 MB, and with the default 4 MiB window
	// its repeats further apart went unmatched (1,615,653 → 1,581,170 B).
	br := brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24}
	if err := write(".br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterOptions(w, br) }); err != nil {
		return err
	}
	return write(".gz", func(w io.Writer) io.WriteCloser {
		z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		return z
	})
}
