// Package presets holds corsplay's course: lessons, each a small scenario
// with a title and a lesson (and maybe predictions and a challenge), in
// chapters that walk a learner through the CORS protocol from a
// same-origin fetch to the traps of real libraries. Each lesson is one JSON
// file in this directory, in the engine's scenario format, named by its
// lesson ID; course.json orders them into chapters.
package presets

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"corsplay/engine"
)

//go:embed *.json
var files embed.FS

// Chapter is one part of the course: a few lessons, in order.
type Chapter struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	// Intro says in a sentence or two what the chapter teaches.
	Intro string `json:"intro"`
	// Lessons are lesson IDs: the names of their files without ".json".
	Lessons []string `json:"lessons"`
}

// courseFile orders the lessons into chapters.
const courseFile = "course.json"

// course is course.json, read once; a file that does not decode is a
// programming error the tests report (Course is then empty).
var course = sync.OnceValues(func() ([]Chapter, error) {
	data, err := files.ReadFile(courseFile)
	if err != nil {
		return nil, err
	}
	var c struct {
		Chapters []Chapter `json:"chapters"`
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.DisallowUnknownFields()
	if err := d.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", courseFile, err)
	}
	return c.Chapters, nil
})

// Course returns the chapters in order. The caller must not modify them.
func Course() []Chapter {
	c, _ := course()
	return c
}

// IDs are the lesson IDs in course order.
func IDs() []string {
	var ids []string
	for _, ch := range Course() {
		ids = append(ids, ch.Lessons...)
	}
	return ids
}

// load decodes and validates every lesson in course order. A file that
// fails is a programming error: it is reported in errs, which the tests
// check, and left out of the list.
func load() (list []engine.Scenario, errs []error) {
	for _, id := range IDs() {
		s, err := decode(id)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		list = append(list, s)
	}
	return list, errs
}

func decode(id string) (engine.Scenario, error) {
	name := id + ".json"
	data, err := files.ReadFile(name)
	if err == nil {
		var s engine.Scenario
		if s, err = engine.DecodeOne(data); err == nil {
			return s, nil
		}
	}
	return engine.Scenario{}, fmt.Errorf("%s: %w", name, err)
}

// Lesson returns the lesson with the given ID, freshly decoded.
func Lesson(id string) (engine.Scenario, bool) {
	if id == "" || strings.ContainsAny(id, "/.") {
		return engine.Scenario{}, false
	}
	s, err := decode(id)
	return s, err == nil
}

// All returns the lessons in course order, freshly decoded: the caller may
// modify them.
func All() []engine.Scenario {
	list, _ := load()
	return list
}

// Titles lists the lessons' titles in course order (as IDs). The caller
// must not modify them. They are read once, and only the titles: the page
// shows them on its first render, where decoding and validating all 29
// scenarios (All) took a tenth of its start in WebAssembly, and decoding
// each file whole for its title still 60 ms.
func Titles() []string { return titles() }

var titles = sync.OnceValue(func() []string {
	var titles []string
	for _, id := range IDs() {
		data, err := files.ReadFile(id + ".json")
		if err != nil {
			continue
		}
		t, _ := title(data)
		titles = append(titles, t) // "" keeps the list in step with IDs
	}
	return titles
})

// title reads a scenario's top-level "title", and nothing after it (the
// files begin with their version and title).
func title(data []byte) (string, bool) {
	d := json.NewDecoder(bytes.NewReader(data))
	if t, err := d.Token(); err != nil || t != json.Delim('{') {
		return "", false
	}
	for d.More() {
		key, err := d.Token()
		if err != nil {
			return "", false
		}
		if k, _ := key.(string); strings.EqualFold(k, "title") {
			var t string
			return t, d.Decode(&t) == nil
		}
		var skip json.RawMessage
		if d.Decode(&skip) != nil {
			return "", false
		}
	}
	return "", false
}

// ByTitle returns the lesson with the given title.
func ByTitle(title string) (engine.Scenario, bool) {
	return Lesson(IDOf(title))
}

// IDOf returns the ID of the lesson with the given title, "" for none.
func IDOf(title string) string {
	if title == "" {
		return ""
	}
	ids := IDs()
	for i, t := range Titles() {
		if t == title {
			return ids[i]
		}
	}
	return ""
}
