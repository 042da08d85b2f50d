//go:build !wasm

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

// webFiles serves the web folder (app.wasm and its twins, styles,
// scripts, icons) and nothing else. It is go-app's ResourceResolver, so
// the page's URLs stay /web/… as with goapp.LocalDir(""), and the handler
// of /web/…: but where LocalDir serves the working directory
// (http.FileServer(http.Dir("."))), every file here is opened through an
// os.Root on the folder, which refuses any path or symbolic link that
// leads out of it, and only regular files whose path has no element
// starting with a dot are served: no listing, no dotfile, no FIFO. Any
// other path is a 404.
type webFiles struct {
	root  *os.Root
	names []string // the files served, in lexical order
	// version is a hash of them, go-app's Version, which keys its caches:
	// a new build reaches browsers that cached the old one, and two
	// replicas of one build agree.
	version string
}

// openWebFiles opens dir and hashes the files it serves.
func openWebFiles(dir string) (*webFiles, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	f := &webFiles{root: root}
	h := sha256.New()
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case name == ".":
			return nil
		case strings.HasPrefix(d.Name(), ".") && d.IsDir():
			return fs.SkipDir
		case d.IsDir():
			return nil
		}
		file, _, err := f.open(name)
		if err != nil {
			return nil // never served (a dotfile, a link out, a FIFO), so not part of the build
		}
		defer file.Close()
		io.WriteString(h, name+"\x00")
		if _, err := io.Copy(h, file); err != nil {
			return fmt.Errorf("reading %s in %s: %w", name, dir, err)
		}
		f.names = append(f.names, name)
		return nil
	})
	if err != nil {
		root.Close()
		return nil, err
	}
	f.version = hex.EncodeToString(h.Sum(nil))[:16]
	return f, nil
}

// Resolve is goapp.LocalDir("")'s: /web/… stays /web/…, and what is not
// under /web (a remote URL, a page path) is left as is.
func (f *webFiles) Resolve(location string) string {
	switch {
	case location == "/" || location == "":
		return "/"
	case strings.HasPrefix(location, "https://") || strings.HasPrefix(location, "http://"):
		return location
	case strings.HasPrefix(location, "/web/") || location == "/web" || strings.HasPrefix(location, "web/") || location == "web":
		return "/" + strings.Trim(location, "/")
	}
	return location
}

func (f *webFiles) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/web/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	f.serve(w, r, name, "")
}

// serve answers with the file name, or 404. encoding, when not empty, is
// the file's Content-Encoding (app.wasm's twins); it names a
// representation of its own, so its ETag differs (RFC 9110 §8.8.3: a
// strong validator is unique per representation, and a Range request
// needs one).
func (f *webFiles) serve(w http.ResponseWriter, r *http.Request, name, encoding string) {
	file, info, err := f.open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer file.Close()
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	etag := f.version
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
		etag += "-" + encoding
	}
	h.Set("ETag", `"`+etag+`"`)
	http.ServeContent(w, r, info.Name(), info.ModTime(), file)
}

// stat describes name, a slash-separated path in the folder, if it is
// served.
func (f *webFiles) stat(name string) (fs.FileInfo, error) {
	if !servable(name) {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	info, err := f.root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: fs.ErrNotExist}
	}
	return info, nil
}

// open opens name if it is served. It is stat'ed before, since opening a
// FIFO blocks, and again once open, in case it was replaced in between.
func (f *webFiles) open(name string) (*os.File, fs.FileInfo, error) {
	if _, err := f.stat(name); err != nil {
		return nil, nil, err
	}
	file, err := f.root.Open(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := file.Stat()
	if err != nil || !info.Mode().IsRegular() {
		file.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return file, info, nil
}

// servable reports whether name may be served: an fs.ValidPath (no
// empty, "." or ".." element, no leading or trailing slash) with no
// element starting with a dot (dotfiles: .git, .env), no backslash (a
// separator on Windows) and no NUL.
func servable(name string) bool {
	if !fs.ValidPath(name) || strings.ContainsAny(name, "\\\x00") {
		return false
	}
	for el := range strings.SplitSeq(name, "/") {
		if strings.HasPrefix(el, ".") {
			return false
		}
	}
	return true
}
