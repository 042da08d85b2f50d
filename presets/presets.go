// Package presets holds corsplay's course: lessons, each a small scenario
// with a title and a lesson (and maybe predictions and a challenge), in
// chapters that walk a learner through the CORS protocol from a
// same-origin fetch to the traps of real libraries. Each lesson is one JSON
// file in this directory, in the engine's scenario format, named by its
// lesson ID; course.json orders them into chapters.
package presets

import (
	"embed"
	"fmt"
	"strings"

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

//go:generate go test -run TestIndex -update

// Course returns the chapters in order (course.json, as index.go holds
// it). The caller must not modify them.
func Course() []Chapter { return courseIndex }

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
// must not modify them.
func Titles() []string { return lessonTitles }

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
