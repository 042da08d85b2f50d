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
	if err := write(".br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) }); err != nil {
		return err
	}
	return write(".gz", func(w io.Writer) io.WriteCloser {
		z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		return z
	})
}
