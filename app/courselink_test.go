package app

import (
	"slices"
	"strings"
	"testing"

	"corsplay/presets"
)

// A course link keeps the lessons corsplay has, in its order and once
// each, names the others, and is refused over its bounds.
func TestReadCourseLink(t *testing.T) {
	ids := presets.IDs()
	if _, ok := readCourseLink("s1=abc"); ok {
		t.Errorf("a permalink reads as a course link")
	}
	c, ok := readCourseLink("course=" + ids[2] + ", nope," + ids[0] + "," + ids[2] + ",,")
	if !ok || c.problem != "" || !slices.Equal(c.ids, []string{ids[2], ids[0]}) || !slices.Equal(c.unknown, []string{"nope"}) {
		t.Errorf("got %+v", c)
	}
	if got := c.note(); !strings.Contains(got, "“nope”") {
		t.Errorf("the note reads %q", got)
	}
	var many []string
	for i := range maxCourseLessons + 1 {
		many = append(many, ids[i%len(ids)])
	}
	if c, _ := readCourseLink("course=" + strings.Join(many[:maxCourseLessons], ",")); c.problem != "" {
		t.Errorf("%d lessons: %s", maxCourseLessons, c.problem)
	}
	if c, _ := readCourseLink("course=" + strings.Join(many, ",")); c.problem == "" {
		t.Errorf("%d lessons are opened", len(many))
	}
	at := ids[0] + "," + strings.Repeat("x", maxCourseLinkLen-len(ids[0])-1)
	if c, _ := readCourseLink("course=" + at); c.problem != "" || len(c.ids) != 1 {
		t.Errorf("%d characters: %+v", len(at), c.problem)
	}
	if c, _ := readCourseLink("course=" + at + "x"); c.problem == "" {
		t.Errorf("%d characters are opened", len(at)+1)
	}
	for _, empty := range []string{"course=", "course=nope,<b>"} {
		if c, _ := readCourseLink(empty); c.problem == "" {
			t.Errorf("%q opens a course", empty)
		}
	}
	if got := quoteNames([]string{"a", "b", "c", "d", "e", "f", "g", strings.Repeat("é", 50)}); got != "“a”, “b”, “c”, “d”, “e”, and 3 more" {
		t.Errorf("quoteNames: %q", got)
	}
}
