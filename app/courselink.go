package app

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"corsplay/engine"
	"corsplay/presets"
)

// A course link, #course=id1,id2,id3, opens those lessons in that order as
// the active course: what Previous, Next and "Lesson k of n" walk. It is
// kept in the browser (courseKey), so that a reload stays in it.
const (
	courseLinkPrefix = "course="
	courseKey        = "corsplay.course"

	// A course link lists at most maxCourseLessons lessons in at most
	// maxCourseLinkLen characters (after "course="); a longer one is not
	// opened.
	maxCourseLessons = 100
	maxCourseLinkLen = 4000
)

// courseLink is what a course link asks for.
type courseLink struct {
	ids     []string // the lessons corsplay has, in the link's order, each once
	unknown []string // the names it does not know, as written
	problem string   // why the link opens no lesson at all
}

// readCourseLink reads a fragment as a course link; ok is false for any
// other fragment (a scenario's permalink).
func readCourseLink(frag string) (c courseLink, ok bool) {
	list, ok := strings.CutPrefix(frag, courseLinkPrefix)
	if !ok {
		return c, false
	}
	if len(list) > maxCourseLinkLen {
		c.problem = fmt.Sprintf("This course link is %d characters long; corsplay opens course links of up to %d.", len(list), maxCourseLinkLen)
		return c, true
	}
	names := strings.Split(list, ",")
	if len(names) > maxCourseLessons {
		c.problem = fmt.Sprintf("This course link lists %d lessons; a course link may list at most %d.", len(names), maxCourseLessons)
		return c, true
	}
	known := lessonTitles()
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case n == "" || seen[n]:
		case known[n] != "":
			c.ids = append(c.ids, n)
		default:
			c.unknown = append(c.unknown, n)
		}
		seen[n] = true
	}
	if len(c.ids) == 0 {
		c.problem = "This course link names no lesson corsplay has."
		if len(c.unknown) > 0 {
			c.problem = "This course link names no lesson corsplay has: " + quoteNames(c.unknown) + "."
		}
	}
	return c, true
}

// start is the scenario a course link opens: its first lesson, or the
// default scenario with a notice saying why there is none.
func (c courseLink) start() (engine.Scenario, string) {
	if c.problem == "" {
		if s, ok := presets.Lesson(c.ids[0]); ok {
			return s, ""
		}
	}
	return defaultScenario(), c.problem + " The default scenario is shown instead."
}

// note says which lessons of an opened course link were skipped.
func (c courseLink) note() string {
	if len(c.unknown) == 0 {
		return ""
	}
	return "This course link also names lessons corsplay does not have, skipped: " + quoteNames(c.unknown) + "."
}

// quoteNames lists names as a person reads them, the first few, each cut
// short: a link is anyone's text.
func quoteNames(names []string) string {
	const most, long = 5, 40
	var q []string
	for i, n := range names {
		if i == most {
			q = append(q, fmt.Sprintf("and %d more", len(names)-most))
			break
		}
		if utf8.RuneCountInString(n) > long {
			n = string([]rune(n)[:long]) + "…"
		}
		q = append(q, "“"+n+"”")
	}
	return strings.Join(q, ", ")
}

// courseLinkURL is the address of a course link to ids on this page.
func courseLinkURL(ids []string) string {
	loc := app.Window().Get("location")
	return loc.Get("origin").String() + loc.Get("pathname").String() + "#" + courseLinkPrefix + strings.Join(ids, ",")
}

// knownLessons keeps, in order and once each, the IDs of lessons corsplay
// has, at most maxCourseLessons: what the browser kept may be old.
func knownLessons(ids []string) []string {
	known := lessonTitles()
	var out []string
	seen := map[string]bool{}
	for _, id := range ids {
		if known[id] != "" && !seen[id] && len(out) < maxCourseLessons {
			out = append(out, id)
			seen[id] = true
		}
	}
	return out
}
