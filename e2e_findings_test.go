//go:build !wasm

package main

import (
	"fmt"
	"slices"
	"testing"

	"corsplay/engine"
)

// attackerRow is one row of the attacker's view as the page shows it.
type attackerRow struct {
	Origin, Without, With string
	Danger                bool
}

func (p *page) attackerRows() []attackerRow {
	p.t.Helper()
	return evalAs[[]attackerRow](p, `[...document.querySelectorAll("#exposure tbody tr")].map(tr => ({
		Origin: tr.querySelector(".origin .mono").textContent, Without: tr.cells[1].textContent, With: tr.cells[2].textContent,
		Danger: tr.classList.contains("risk-danger"),
	}))`)
}

func wantAttackerRows(out engine.Outcome) []attackerRow {
	word := map[bool]string{true: "reads", false: "refused"}
	var rows []attackerRow
	for _, pr := range out.Exposure {
		rows = append(rows, attackerRow{pr.Origin, word[pr.Readable], word[pr.WithCookies], pr.Risk == "danger"})
	}
	return rows
}

// The attacker's view answers in one sentence how many of the origins an
// attacker would try can read; folded when none can, open by itself when
// some can, its table the engine's probes row by row.
func TestAttackersView(t *testing.T) {
	srv := newServer(t)
	b := newBrowser(t)
	for _, c := range []struct {
		preset  string
		readers int // origins besides the trusted ones that read
	}{
		{"JSON POST needs a preflight", 0},
		{"Reflected origin with credentials", -1},
	} {
		s := preset(t, c.preset)
		out := engine.Evaluate(s)
		readers := 0
		for _, pr := range out.Exposure {
			if pr.Risk != "expected" && (pr.Readable || pr.WithCookies) {
				readers++
			}
		}
		if c.readers == 0 && readers != 0 || c.readers < 0 && readers == 0 {
			t.Fatalf("%q: the engine finds %d other origins reading: pick another scenario", c.preset, readers)
		}
		p := open(t, b, permalink(t, srv.URL, s))
		want := fmt.Sprintf("None of the %d origins an attacker would try can read.", len(out.Exposure))
		if readers > 0 {
			want = fmt.Sprintf("%d of the %d origins an attacker would try can read.", readers, len(out.Exposure))
		}
		p.waitText("#attacker-answer", want)
		if open := evalAs[bool](p, `document.querySelector("#attacker").open`); open != (readers > 0) {
			t.Errorf("%q: the attacker's view is open=%v with %d other origins reading", c.preset, open, readers)
		}
		if readers == 0 {
			if n := evalAs[int](p, `document.querySelectorAll("#exposure").length`); n != 0 {
				t.Errorf("%q: the folded view made its table", c.preset)
			}
			p.click("#attacker summary")
		}
		waitFor(p, c.preset+": the attacker's rows", p.attackerRows, wantAttackerRows(out), slices.Equal[[]attackerRow])
	}
}
