package jub0bscors

import (
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// jub0bs/cors v1.0.1 refuses an origin pattern whose host (minus a leading
// "*.") fails golang.org/x/net/idna's ToASCII with the profile
// idna.New(BidiRule(), ValidateLabels(true), StrictDomainName(true),
// VerifyDNSLength(true)) (internal/origins/pattern.go, parseHostPattern and
// initProfile). The host reaching it is made of a-z, 0-9, '.', '-' and '_'
// only; on such a host that profile makes structural checks, ported
// exactly below from x/net v0.53.0 idna/idna10.0.0.go and punycode.go:
//
//   - the host is not empty, no label is empty (a final empty label, the
//     root, is skipped), no label is longer than 63 bytes and the name
//     (root dot aside) is at most 253 bytes;
//   - no label starts or ends with '-', and none has "--" at its third and
//     fourth bytes unless it starts with "xn--";
//   - an "xn--" label must be valid Punycode.
//
// Plain ASCII labels are not held to the STD3 rules (the profile's mapping
// is NFC only), so '_' passes there. A decoded "xn--" label is checked rune
// by rune for its UTS #46 status (jubIDNARuneValid), for the hyphen rules
// and a leading combining mark; when a label is right-to-left the Bidi
// rule applies to every label (jubBidiRuleValid, with jubBidiClass). The
// Unicode data behind those two come from the standard library's tables
// plus small exception tables measured against x/net and x/text on every
// rune; libtest's TestJub0bsCorsIDNABoundary keeps checking them (every
// rune up to U+2FFFF, one in five beyond). Not ported, for
// want of their tables: the NFC check (the emulation accepts a label where
// a combining mark follows a letter it composes with, such as "e" + U+0301,
// which the real library refuses) and the contexts in which ZWJ and ZWNJ
// are valid (the emulation refuses them everywhere; the real library
// accepts them after a virama, for instance). ASCII hosts are exact.

// jubIDNAValid reports whether profile.ToASCII(host) succeeds.
func jubIDNAValid(s string) bool {
	if s == "" {
		return false
	}
	labels := jubLabelIter{orig: s}
	isBidi := false
	for ; !labels.done(); labels.next() {
		label := labels.label()
		if label == "" {
			return false
		}
		if strings.HasPrefix(label, "xn--") {
			u, ok := jubPunyDecode(label[len("xn--"):])
			if !ok || u != "" && jubIsASCII(u) {
				return false // x/net v0.60: an "xn--" label that decodes to ASCII only is an error
			}
			isBidi = isBidi || jubBidiRTL(u)
			labels.set(u)
			if !jubIDNAFromPunycode(u) || !jubIDNAValidateLabel(u) {
				return false
			}
		} else if !jubIDNAValidateLabel(label) {
			return false
		}
	}
	if isBidi {
		for labels.reset(); !labels.done(); labels.next() {
			if !jubBidiRuleValid(labels.label()) {
				return false
			}
		}
	}
	for labels.reset(); !labels.done(); labels.next() {
		label := labels.label()
		if !jubIsASCII(label) {
			a, ok := jubPunyEncode("xn--", label)
			if !ok {
				return false
			}
			label = a
			labels.set(a)
		}
		if n := len(label); n == 0 || n > 63 {
			return false
		}
	}
	s = labels.result()
	n := len(s)
	if n > 0 && s[n-1] == '.' {
		n--
	}
	return len(s) >= 1 && n <= 253
}

// jubIDNAValidateLabel mirrors Profile.validateLabel with checkHyphens and
// checkJoiners: the hyphen rules, then no leading combining mark (joiners
// are refused by jubIDNARuneValid already).
func jubIDNAValidateLabel(s string) bool {
	if s == "" {
		return false
	}
	if len(s) > 4 && s[2] == '-' && s[3] == '-' {
		return false
	}
	if s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s)
	return !unicode.Is(unicode.M, r)
}

// jubIDNAFromPunycode approximates validateFromPunycode: every rune of a
// decoded label must be valid (or a deviation) under UTS #46 with the STD3
// rules. Exact for ASCII.
func jubIDNAFromPunycode(u string) bool {
	for _, r := range u {
		if !jubIDNARuneValid(r) {
			return false
		}
	}
	return true
}

// jubIDNARuneValid reports whether r is valid (or a deviation) under
// UTS #46 with the STD3 rules, as x/net's Unicode 15.0 tables say. Exact
// for ASCII (a-z, 0-9 and '-' only). Beyond, a rule of thumb from the
// standard library's tables (assigned, not upper or title case, not a
// space, control, format, private-use or surrogate character, outside the
// blocks of compatibility characters) corrected by two exception tables
// measured against x/net's idna on every rune from U+0080 to U+10FFFF:
// with them the answer is exact for every rune, but ZWJ and ZWNJ, valid
// only in contexts this port does not check, and refused here.
func jubIDNARuneValid(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || '0' <= r && r <= '9' || r == '-'
	}
	if jubInRanges(r, jubIDNAExtraInvalid) {
		return false
	}
	if jubInRanges(r, jubIDNAExtraValid) {
		return true
	}
	switch {
	case r == utf8.RuneError, unicode.IsUpper(r), unicode.IsTitle(r):
		return false
	case unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs, unicode.Z):
		return false
	case !unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S):
		return false // unassigned
	}
	return !jubInRanges(r, jubIDNACompatBlocks)
}

// jubInRanges reports whether r is in one of the sorted ranges.
func jubInRanges(r rune, ranges [][2]rune) bool {
	_, found := slices.BinarySearchFunc(ranges, r, func(x [2]rune, r rune) int {
		switch {
		case x[1] < r:
			return -1
		case x[0] > r:
			return 1
		}
		return 0
	})
	return found
}

// jubIDNACompatBlocks are blocks whose characters UTS #46 mostly maps or
// disallows: compatibility forms of other characters.
var jubIDNACompatBlocks = [][2]rune{
	{0x2070, 0x209F},   // superscripts and subscripts
	{0x2100, 0x214F},   // letterlike symbols
	{0x2150, 0x218F},   // number forms
	{0x2460, 0x24FF},   // enclosed alphanumerics
	{0x2F00, 0x2FDF},   // Kangxi radicals
	{0x3200, 0x33FF},   // enclosed CJK letters, CJK compatibility
	{0xF900, 0xFAFF},   // CJK compatibility ideographs
	{0xFB00, 0xFB4F},   // alphabetic presentation forms
	{0xFB50, 0xFDFF},   // Arabic presentation forms-A
	{0xFE00, 0xFE0F},   // variation selectors (ignored)
	{0xFE10, 0xFE1F},   // vertical forms
	{0xFE30, 0xFE4F},   // CJK compatibility forms
	{0xFE50, 0xFE6F},   // small form variants
	{0xFE70, 0xFEFF},   // Arabic presentation forms-B
	{0xFF00, 0xFFEF},   // halfwidth and fullwidth forms
	{0x1D400, 0x1D7FF}, // mathematical alphanumeric symbols
	{0x1F100, 0x1F1FF}, // enclosed alphanumeric supplement
	{0x2F800, 0x2FA1F}, // CJK compatibility ideographs supplement
	{0xE0000, 0xE0FFF}, // tags and variation selectors supplement
}

// jubIDNAExtraInvalid are runes the rule of thumb takes as valid and UTS
// #46 maps or disallows (measured, see jubIDNARuneValid).
var jubIDNAExtraInvalid = [][2]rune{
	{0x00A8, 0x00A8}, {0x00AA, 0x00AA}, {0x00AF, 0x00AF}, {0x00B2, 0x00B5}, {0x00B8, 0x00BA}, {0x00BC, 0x00BE},
	{0x0133, 0x0133}, {0x0140, 0x0140}, {0x0149, 0x0149}, {0x017F, 0x017F}, {0x01C6, 0x01C6}, {0x01C9, 0x01C9},
	{0x01CC, 0x01CC}, {0x01F3, 0x01F3}, {0x02B0, 0x02B8}, {0x02D8, 0x02DD}, {0x02E0, 0x02E4}, {0x0340, 0x0341},
	{0x0343, 0x0345}, {0x034F, 0x034F}, {0x0374, 0x0374}, {0x037A, 0x037A}, {0x037E, 0x037E}, {0x0384, 0x0385},
	{0x0387, 0x0387}, {0x03D0, 0x03D1}, {0x03D5, 0x03D6}, {0x03F0, 0x03F2}, {0x03F5, 0x03F5}, {0x0587, 0x0587},
	{0x0675, 0x0678}, {0x0958, 0x095F}, {0x09DC, 0x09DD}, {0x09DF, 0x09DF}, {0x0A33, 0x0A33}, {0x0A36, 0x0A36},
	{0x0A59, 0x0A5B}, {0x0A5E, 0x0A5E}, {0x0B5C, 0x0B5D}, {0x0E33, 0x0E33}, {0x0EB3, 0x0EB3}, {0x0EDC, 0x0EDD},
	{0x0F0C, 0x0F0C}, {0x0F43, 0x0F43}, {0x0F4D, 0x0F4D}, {0x0F52, 0x0F52}, {0x0F57, 0x0F57}, {0x0F5C, 0x0F5C},
	{0x0F69, 0x0F69}, {0x0F73, 0x0F73}, {0x0F75, 0x0F79}, {0x0F81, 0x0F81}, {0x0F93, 0x0F93}, {0x0F9D, 0x0F9D},
	{0x0FA2, 0x0FA2}, {0x0FA7, 0x0FA7}, {0x0FAC, 0x0FAC}, {0x0FB9, 0x0FB9}, {0x10FC, 0x10FC}, {0x115F, 0x1160},
	{0x13F8, 0x13FD}, {0x17B4, 0x17B5}, {0x1806, 0x1806}, {0x180B, 0x180D}, {0x180F, 0x180F}, {0x1C80, 0x1C88},
	{0x1D2C, 0x1D2E}, {0x1D30, 0x1D3A}, {0x1D3C, 0x1D4D}, {0x1D4F, 0x1D6A}, {0x1D78, 0x1D78}, {0x1D9B, 0x1DBF},
	{0x1E9A, 0x1E9B}, {0x1F71, 0x1F71}, {0x1F73, 0x1F73}, {0x1F75, 0x1F75}, {0x1F77, 0x1F77}, {0x1F79, 0x1F79},
	{0x1F7B, 0x1F7B}, {0x1F7D, 0x1F7D}, {0x1F80, 0x1F87}, {0x1F90, 0x1F97}, {0x1FA0, 0x1FA7}, {0x1FB2, 0x1FB4},
	{0x1FB7, 0x1FB7}, {0x1FBD, 0x1FC4}, {0x1FC7, 0x1FC7}, {0x1FCD, 0x1FCF}, {0x1FD3, 0x1FD3}, {0x1FDD, 0x1FDF},
	{0x1FE3, 0x1FE3}, {0x1FED, 0x1FEF}, {0x1FF2, 0x1FF4}, {0x1FF7, 0x1FF7}, {0x1FFD, 0x1FFE}, {0x2011, 0x2011},
	{0x2017, 0x2017}, {0x2024, 0x2026}, {0x2033, 0x2034}, {0x2036, 0x2037}, {0x203C, 0x203C}, {0x203E, 0x203E},
	{0x2047, 0x2049}, {0x2057, 0x2057}, {0x20A8, 0x20A8}, {0x222C, 0x222D}, {0x222F, 0x2230}, {0x2260, 0x2260},
	{0x226E, 0x226F}, {0x2329, 0x232A}, {0x2A0C, 0x2A0C}, {0x2A74, 0x2A76}, {0x2ADC, 0x2ADC}, {0x2C7C, 0x2C7D},
	{0x2D6F, 0x2D6F}, {0x2E9F, 0x2E9F}, {0x2EF3, 0x2EF3}, {0x2FF0, 0x2FFB}, {0x3002, 0x3002}, {0x3036, 0x3036},
	{0x3038, 0x303A}, {0x309B, 0x309C}, {0x309F, 0x309F}, {0x30FF, 0x30FF}, {0x3131, 0x318E}, {0x3192, 0x319F},
	{0xA69C, 0xA69D}, {0xA770, 0xA770}, {0xA7F2, 0xA7F4}, {0xA7F8, 0xA7F9}, {0xAB5C, 0xAB5F}, {0xAB69, 0xAB69},
	{0xAB70, 0xABBF}, {0xFFFC, 0xFFFC}, {0x10781, 0x10785}, {0x10787, 0x107B0}, {0x107B2, 0x107BA},
	{0x1D15E, 0x1D164}, {0x1D1BB, 0x1D1C0}, {0x1E030, 0x1E06D}, {0x1EE00, 0x1EE03}, {0x1EE05, 0x1EE1F},
	{0x1EE21, 0x1EE22}, {0x1EE24, 0x1EE24}, {0x1EE27, 0x1EE27}, {0x1EE29, 0x1EE32}, {0x1EE34, 0x1EE37},
	{0x1EE39, 0x1EE39}, {0x1EE3B, 0x1EE3B}, {0x1EE42, 0x1EE42}, {0x1EE47, 0x1EE47}, {0x1EE49, 0x1EE49},
	{0x1EE4B, 0x1EE4B}, {0x1EE4D, 0x1EE4F}, {0x1EE51, 0x1EE52}, {0x1EE54, 0x1EE54}, {0x1EE57, 0x1EE57},
	{0x1EE59, 0x1EE59}, {0x1EE5B, 0x1EE5B}, {0x1EE5D, 0x1EE5D}, {0x1EE5F, 0x1EE5F}, {0x1EE61, 0x1EE62},
	{0x1EE64, 0x1EE64}, {0x1EE67, 0x1EE6A}, {0x1EE6C, 0x1EE72}, {0x1EE74, 0x1EE77}, {0x1EE79, 0x1EE7C},
	{0x1EE7E, 0x1EE7E}, {0x1EE80, 0x1EE89}, {0x1EE8B, 0x1EE9B}, {0x1EEA1, 0x1EEA3}, {0x1EEA5, 0x1EEA9},
	{0x1EEAB, 0x1EEBB}, {0x1F200, 0x1F202}, {0x1F210, 0x1F23B}, {0x1F240, 0x1F248}, {0x1F250, 0x1F251},
	{0x1FBF0, 0x1FBF9},
}

// jubIDNAExtraValid are runes the rule of thumb refuses and UTS #46 takes
// as valid (measured, see jubIDNARuneValid).
var jubIDNAExtraValid = [][2]rune{
	{0x13A0, 0x13F5}, {0x2104, 0x2104}, {0x2108, 0x2108}, {0x2114, 0x2114}, {0x2117, 0x2118}, {0x211E, 0x211F},
	{0x2123, 0x2123}, {0x2125, 0x2125}, {0x2127, 0x2127}, {0x2129, 0x2129}, {0x212E, 0x212E}, {0x213A, 0x213A},
	{0x2141, 0x2144}, {0x214A, 0x214F}, {0x2180, 0x2182}, {0x2184, 0x2188}, {0x218A, 0x218B}, {0x24EB, 0x24FF},
	{0x3248, 0x324F}, {0x327F, 0x327F}, {0xFA0E, 0xFA0F}, {0xFA11, 0xFA11}, {0xFA13, 0xFA14}, {0xFA1F, 0xFA1F},
	{0xFA21, 0xFA21}, {0xFA23, 0xFA24}, {0xFA27, 0xFA29}, {0xFB1E, 0xFB1E}, {0xFBB2, 0xFBC2}, {0xFD3E, 0xFD4F},
	{0xFDCF, 0xFDCF}, {0xFDFD, 0xFDFF}, {0xFE45, 0xFE46}, {0xFE73, 0xFE73}, {0x1F10B, 0x1F10F},
	{0x1F12F, 0x1F12F}, {0x1F150, 0x1F169}, {0x1F16D, 0x1F18F}, {0x1F191, 0x1F1AD}, {0x1F1E6, 0x1F1FF},
}

// Bidi classes, as far as the Bidi rule tells them apart.
const (
	jubBidiL = iota
	jubBidiR
	jubBidiAL
	jubBidiAN
	jubBidiEN
	jubBidiNSM
	jubBidiON // ES, CS, ET, ON and BN: the rule treats them alike
)

// jubBidiRTL mirrors bidirule.DirectionString(s) != LeftToRight: some rune
// is R, AL or AN.
func jubBidiRTL(s string) bool {
	for _, r := range s {
		switch jubBidiClass(r) {
		case jubBidiR, jubBidiAL, jubBidiAN:
			return true
		}
	}
	return false
}

// jubBidiRuleValid mirrors bidirule.ValidString (x/text v0.36.0,
// secure/bidirule): RFC 5893's rule as a state machine, where seeing both
// EN and AN fails, and an empty label passes.
func jubBidiRuleValid(s string) bool {
	const (
		initial = iota
		ltr
		ltrFinal
		rtl
		rtlFinal
		invalid
	)
	mid := 1<<jubBidiON | 1<<jubBidiNSM
	transitions := [...][2]struct{ next, mask int }{
		initial:  {{ltrFinal, 1 << jubBidiL}, {rtlFinal, 1<<jubBidiR | 1<<jubBidiAL}},
		rtl:      {{rtlFinal, 1<<jubBidiR | 1<<jubBidiAL | 1<<jubBidiEN | 1<<jubBidiAN}, {rtl, mid}},
		rtlFinal: {{rtlFinal, 1<<jubBidiR | 1<<jubBidiAL | 1<<jubBidiEN | 1<<jubBidiAN | 1<<jubBidiNSM}, {rtl, 1 << jubBidiON}},
		ltr:      {{ltrFinal, 1<<jubBidiL | 1<<jubBidiEN}, {ltr, mid}},
		ltrFinal: {{ltrFinal, 1<<jubBidiL | 1<<jubBidiEN | 1<<jubBidiNSM}, {ltr, 1 << jubBidiON}},
		invalid:  {{invalid, 0}, {invalid, 0}},
	}
	state, seen := initial, 0
	for _, r := range s {
		c := 1 << jubBidiClass(r)
		seen |= c
		if seen&(1<<jubBidiEN|1<<jubBidiAN) == 1<<jubBidiEN|1<<jubBidiAN {
			return false
		}
		switch tr := transitions[state]; {
		case tr[0].mask&c != 0:
			state = tr[0].next
		case tr[1].mask&c != 0:
			state = tr[1].next
		default:
			state = invalid
		}
	}
	return state == ltrFinal || state == rtlFinal || state == initial
}

// jubBidiClass is the Unicode Bidi_Class of r (x/text v0.36.0's bidi
// tables, Unicode 15.0) as far as the Bidi rule tells classes apart. Exact
// for ASCII. Beyond, a rule of thumb from the standard library's tables
// (combining marks NSM, the Arabic-Indic digits AN, some digits EN, the
// blocks that default to right-to-left R or AL, common punctuation and
// symbols neutral, the rest L) corrected by jubBidiExceptions, measured
// against x/text rune by rune: with it, the class is exact for every
// assigned letter, mark, number, punctuation and symbol.
func jubBidiClass(r rune) int {
	if i, found := slices.BinarySearchFunc(jubBidiExceptions, r, func(x [3]rune, r rune) int {
		switch {
		case x[1] < r:
			return -1
		case x[0] > r:
			return 1
		}
		return 0
	}); found {
		return int(jubBidiExceptions[i][2])
	}
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z':
			return jubBidiL
		case '0' <= r && r <= '9':
			return jubBidiEN
		}
		return jubBidiON
	case unicode.In(r, unicode.Mn, unicode.Me):
		return jubBidiNSM
	case jubInRanges(r, jubBidiANRanges):
		return jubBidiAN
	case jubInRanges(r, jubBidiENRanges):
		return jubBidiEN
	case jubInRanges(r, jubBidiRRanges):
		return jubBidiR
	case jubInRanges(r, jubBidiALRanges):
		return jubBidiAL
	case unicode.In(r, unicode.P, unicode.S) && unicode.In(r, unicode.Common, unicode.Inherited),
		unicode.In(r, unicode.Z, unicode.Cc, unicode.Cf):
		return jubBidiON
	}
	return jubBidiL
}

// jubBidiExceptions are {first, last, class} where the rule of thumb of
// jubBidiClass is wrong (measured, see jubBidiClass).
var jubBidiExceptions = [][3]rune{
	{0x00BC, 0x00BE, jubBidiON}, {0x02B9, 0x02BA, jubBidiON}, {0x02C6, 0x02CF, jubBidiON},
	{0x02EA, 0x02EC, jubBidiON}, {0x0374, 0x0375, jubBidiON}, {0x0384, 0x0384, jubBidiON},
	{0x03F6, 0x03F6, jubBidiON}, {0x058A, 0x058A, jubBidiON}, {0x058D, 0x058F, jubBidiON},
	{0x0606, 0x0607, jubBidiON}, {0x0609, 0x060A, jubBidiON}, {0x060C, 0x060C, jubBidiON},
	{0x060E, 0x060F, jubBidiON}, {0x066A, 0x066A, jubBidiON}, {0x06DE, 0x06DE, jubBidiON},
	{0x06E9, 0x06E9, jubBidiON}, {0x07F6, 0x07F9, jubBidiON}, {0x0964, 0x0965, jubBidiL},
	{0x09F2, 0x09F3, jubBidiON}, {0x09FB, 0x09FB, jubBidiON}, {0x0AF1, 0x0AF1, jubBidiON},
	{0x0BF3, 0x0BFA, jubBidiON}, {0x0C78, 0x0C7E, jubBidiON}, {0x0CBF, 0x0CBF, jubBidiL},
	{0x0CC6, 0x0CC6, jubBidiL}, {0x0F3A, 0x0F3D, jubBidiON}, {0x0FD5, 0x0FD8, jubBidiL},
	{0x10FB, 0x10FB, jubBidiL}, {0x1390, 0x1399, jubBidiON}, {0x1400, 0x1400, jubBidiON},
	{0x169B, 0x169C, jubBidiON}, {0x16EB, 0x16ED, jubBidiL}, {0x1735, 0x1736, jubBidiL},
	{0x17DB, 0x17DB, jubBidiON}, {0x17F0, 0x17F9, jubBidiON}, {0x1800, 0x1801, jubBidiON},
	{0x1804, 0x1804, jubBidiON}, {0x1806, 0x180A, jubBidiON}, {0x1940, 0x1940, jubBidiON},
	{0x1944, 0x1945, jubBidiON}, {0x19DE, 0x19FF, jubBidiON}, {0x1CD3, 0x1CD3, jubBidiL},
	{0x1FBD, 0x1FBD, jubBidiON}, {0x1FBF, 0x1FC1, jubBidiON}, {0x1FCD, 0x1FCF, jubBidiON},
	{0x1FDD, 0x1FDF, jubBidiON}, {0x1FED, 0x1FEF, jubBidiON}, {0x1FFD, 0x1FFE, jubBidiON},
	{0x214F, 0x214F, jubBidiL}, {0x2150, 0x215F, jubBidiON}, {0x2189, 0x2189, jubBidiON},
	{0x2336, 0x237A, jubBidiL}, {0x2395, 0x2395, jubBidiL}, {0x2460, 0x2487, jubBidiON},
	{0x249C, 0x24E9, jubBidiL}, {0x24EA, 0x24FF, jubBidiON}, {0x26AC, 0x26AC, jubBidiL},
	{0x2776, 0x2793, jubBidiON}, {0x2CE5, 0x2CEA, jubBidiON}, {0x2CF9, 0x2CFF, jubBidiON},
	{0x2E2F, 0x2E2F, jubBidiON}, {0x2E80, 0x2E99, jubBidiON}, {0x2E9B, 0x2EF3, jubBidiON},
	{0x2F00, 0x2FD5, jubBidiON}, {0x3190, 0x3191, jubBidiL}, {0x3196, 0x319F, jubBidiL},
	{0x321D, 0x321E, jubBidiON}, {0x322A, 0x3247, jubBidiL}, {0x3251, 0x325F, jubBidiON},
	{0x327C, 0x327E, jubBidiON}, {0x327F, 0x327F, jubBidiL}, {0x328A, 0x32B0, jubBidiL},
	{0x32B1, 0x32BF, jubBidiON}, {0x32C0, 0x32CB, jubBidiL}, {0x32FF, 0x32FF, jubBidiL},
	{0x3358, 0x3376, jubBidiL}, {0x337B, 0x33DD, jubBidiL}, {0x33E0, 0x33FE, jubBidiL},
	{0xA490, 0xA4C6, jubBidiON}, {0xA60D, 0xA60F, jubBidiON}, {0xA673, 0xA673, jubBidiON},
	{0xA67E, 0xA67F, jubBidiON}, {0xA717, 0xA71F, jubBidiON}, {0xA788, 0xA788, jubBidiON},
	{0xA789, 0xA78A, jubBidiL}, {0xA828, 0xA82B, jubBidiON}, {0xA836, 0xA837, jubBidiL},
	{0xA874, 0xA877, jubBidiON}, {0xA92E, 0xA92E, jubBidiL}, {0xAB5B, 0xAB5B, jubBidiL},
	{0xFB29, 0xFB29, jubBidiON}, {0xFD3E, 0xFD4F, jubBidiON}, {0xFDCF, 0xFDCF, jubBidiON},
	{0xFDFD, 0xFDFF, jubBidiON}, {0x10100, 0x10100, jubBidiL}, {0x10102, 0x10102, jubBidiL},
	{0x10137, 0x1013F, jubBidiL}, {0x10140, 0x1018C, jubBidiON}, {0x101A0, 0x101A0, jubBidiON},
	{0x101D0, 0x101FC, jubBidiL}, {0x1091F, 0x1091F, jubBidiON}, {0x10B39, 0x10B3F, jubBidiON},
	{0x11052, 0x11065, jubBidiON}, {0x11660, 0x1166C, jubBidiON}, {0x11A07, 0x11A08, jubBidiL},
	{0x11C3F, 0x11C3F, jubBidiL}, {0x11FD5, 0x11FF1, jubBidiON}, {0x16FE2, 0x16FE2, jubBidiON},
	{0x1CF50, 0x1CFC3, jubBidiL}, {0x1D000, 0x1D0F5, jubBidiL}, {0x1D100, 0x1D126, jubBidiL},
	{0x1D129, 0x1D164, jubBidiL}, {0x1D16A, 0x1D16C, jubBidiL}, {0x1D183, 0x1D184, jubBidiL},
	{0x1D18C, 0x1D1A9, jubBidiL}, {0x1D1AE, 0x1D1E8, jubBidiL}, {0x1D200, 0x1D241, jubBidiON},
	{0x1D245, 0x1D245, jubBidiON}, {0x1D6C1, 0x1D6C1, jubBidiL}, {0x1D6FB, 0x1D6FB, jubBidiL},
	{0x1D735, 0x1D735, jubBidiL}, {0x1D76F, 0x1D76F, jubBidiL}, {0x1D7A9, 0x1D7A9, jubBidiL},
	{0x1E2FF, 0x1E2FF, jubBidiON}, {0x1EEF0, 0x1EEF1, jubBidiON}, {0x1F10B, 0x1F10C, jubBidiON},
	{0x1F110, 0x1F12E, jubBidiL}, {0x1F130, 0x1F169, jubBidiL}, {0x1F170, 0x1F1AC, jubBidiL},
	{0x1F1E6, 0x1F1FF, jubBidiL}, {0x1F201, 0x1F202, jubBidiL}, {0x1F210, 0x1F23B, jubBidiL},
	{0x1F240, 0x1F248, jubBidiL}, {0x1F250, 0x1F251, jubBidiL},
}

// Bidi class ranges (Unicode 15.0 DerivedBidiClass.txt, simplified).
var (
	jubBidiANRanges = [][2]rune{{0x0600, 0x0605}, {0x0660, 0x0669}, {0x066B, 0x066C}, {0x06DD, 0x06DD},
		{0x0890, 0x0891}, {0x08E2, 0x08E2}, {0x10D30, 0x10D39}, {0x10E60, 0x10E7E}}
	jubBidiENRanges = [][2]rune{{0x00B2, 0x00B3}, {0x00B9, 0x00B9}, {0x06F0, 0x06F9}, {0x2070, 0x2070},
		{0x2074, 0x2079}, {0x2080, 0x2089}, {0x2488, 0x249B}, {0xFF10, 0xFF19}, {0x102E1, 0x102FB},
		{0x1D7CE, 0x1D7FF}, {0x1F100, 0x1F10A}, {0x1FBF0, 0x1FBF9}}
	jubBidiRRanges = [][2]rune{{0x0590, 0x05FF}, {0x07C0, 0x085F}, {0xFB1D, 0xFB4F}, {0x10800, 0x10CFF},
		{0x10D40, 0x10EBF}, {0x10F00, 0x10F2F}, {0x10F70, 0x10FFF}, {0x1E800, 0x1EC6F}, {0x1ED50, 0x1EDFF},
		{0x1EF00, 0x1EFFF}}
	jubBidiALRanges = [][2]rune{{0x0600, 0x07BF}, {0x0860, 0x08FF}, {0xFB50, 0xFDCF}, {0xFDF0, 0xFDFF},
		{0xFE70, 0xFEFF}, {0x10D00, 0x10D3F}, {0x10EC0, 0x10EFF}, {0x10F30, 0x10F6F}, {0x1EC70, 0x1ECBF},
		{0x1ED00, 0x1ED4F}, {0x1EE00, 0x1EEFF}}
)

func jubIsASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// jubLabelIter mirrors idna's labelIter, quirks included: iterating over
// the original string, it skips a final empty label and, when the string
// ends with "..", the empty label before it too; once a label is replaced
// it iterates over the split labels and skips only a final empty one.
type jubLabelIter struct {
	orig             string
	slice            []string
	curStart, curEnd int
	i                int
}

func (l *jubLabelIter) reset() { l.curStart, l.curEnd, l.i = 0, 0, 0 }

func (l *jubLabelIter) done() bool { return l.curStart >= len(l.orig) }

func (l *jubLabelIter) result() string {
	if l.slice != nil {
		return strings.Join(l.slice, ".")
	}
	return l.orig
}

func (l *jubLabelIter) label() string {
	if l.slice != nil {
		return l.slice[l.i]
	}
	p := strings.IndexByte(l.orig[l.curStart:], '.')
	l.curEnd = l.curStart + p
	if p == -1 {
		l.curEnd = len(l.orig)
	}
	return l.orig[l.curStart:l.curEnd]
}

func (l *jubLabelIter) next() {
	l.i++
	if l.slice != nil {
		if l.i >= len(l.slice) || l.i == len(l.slice)-1 && l.slice[l.i] == "" {
			l.curStart = len(l.orig)
		}
	} else {
		l.curStart = l.curEnd + 1
		if l.curStart == len(l.orig)-1 && l.orig[l.curStart] == '.' {
			l.curStart = len(l.orig)
		}
	}
}

func (l *jubLabelIter) set(s string) {
	if l.slice == nil {
		l.slice = strings.Split(l.orig, ".")
	}
	l.slice[l.i] = s
}

// Punycode parameters (RFC 3492 §5).
const (
	jubPunyBase        int32 = 36
	jubPunyDamp        int32 = 700
	jubPunyInitialBias int32 = 72
	jubPunyInitialN    int32 = 128
	jubPunySkew        int32 = 38
	jubPunyTmax        int32 = 26
	jubPunyTmin        int32 = 1
)

// jubPunyDecode mirrors x/net idna's decode (punycode.go), its 1024-rune
// limit included.
func jubPunyDecode(encoded string) (string, bool) {
	if encoded == "" {
		return "", true
	}
	pos := 1 + strings.LastIndex(encoded, "-")
	if pos == 1 {
		return "", false
	}
	if pos == len(encoded) {
		return encoded[:len(encoded)-1], true
	}
	output := make([]rune, 0, len(encoded))
	if pos != 0 {
		for _, r := range encoded[:pos-1] {
			output = append(output, r)
		}
	}
	i, n, bias := int32(0), jubPunyInitialN, jubPunyInitialBias
	overflow := false
	for pos < len(encoded) {
		oldI, w := i, int32(1)
		for k := jubPunyBase; ; k += jubPunyBase {
			if pos == len(encoded) {
				return "", false
			}
			digit, ok := jubPunyDecodeDigit(encoded[pos])
			if !ok {
				return "", false
			}
			pos++
			i, overflow = jubPunyMadd(i, digit, w)
			if overflow {
				return "", false
			}
			t := k - bias
			if k <= bias {
				t = jubPunyTmin
			} else if k >= bias+jubPunyTmax {
				t = jubPunyTmax
			}
			if digit < t {
				break
			}
			w, overflow = jubPunyMadd(0, w, jubPunyBase-t)
			if overflow {
				return "", false
			}
		}
		if len(output) >= 1024 {
			return "", false
		}
		x := int32(len(output) + 1)
		bias = jubPunyAdapt(i-oldI, x, oldI == 0)
		n += i / x
		i %= x
		if n < 0 || n > utf8.MaxRune {
			return "", false
		}
		output = append(output, 0)
		copy(output[i+1:], output[i:])
		output[i] = n
		i++
	}
	return string(output), true
}

// jubPunyEncode mirrors x/net idna's encode.
func jubPunyEncode(prefix, s string) (string, bool) {
	output := make([]byte, len(prefix), len(prefix)+1+2*len(s))
	copy(output, prefix)
	delta, n, bias := int32(0), jubPunyInitialN, jubPunyInitialBias
	b, remaining := int32(0), int32(0)
	for _, r := range s {
		if r < 0x80 {
			b++
			output = append(output, byte(r))
		} else {
			remaining++
		}
	}
	h := b
	if b > 0 {
		output = append(output, '-')
	}
	overflow := false
	for remaining != 0 {
		m := int32(0x7fffffff)
		for _, r := range s {
			if m > r && r >= n {
				m = r
			}
		}
		delta, overflow = jubPunyMadd(delta, m-n, h+1)
		if overflow {
			return "", false
		}
		n = m
		for _, r := range s {
			if r < n {
				delta++
				if delta < 0 {
					return "", false
				}
				continue
			}
			if r > n {
				continue
			}
			q := delta
			for k := jubPunyBase; ; k += jubPunyBase {
				t := k - bias
				if k <= bias {
					t = jubPunyTmin
				} else if k >= bias+jubPunyTmax {
					t = jubPunyTmax
				}
				if q < t {
					break
				}
				output = append(output, jubPunyEncodeDigit(t+(q-t)%(jubPunyBase-t)))
				q = (q - t) / (jubPunyBase - t)
			}
			output = append(output, jubPunyEncodeDigit(q))
			bias = jubPunyAdapt(delta, h+1, h == b)
			delta = 0
			h++
			remaining--
		}
		delta++
		n++
	}
	return string(output), true
}

// jubPunyMadd computes a + (b * c), detecting overflow.
func jubPunyMadd(a, b, c int32) (next int32, overflow bool) {
	p := int64(b) * int64(c)
	if p > math.MaxInt32-int64(a) {
		return 0, true
	}
	return a + int32(p), false
}

func jubPunyDecodeDigit(x byte) (digit int32, ok bool) {
	switch {
	case '0' <= x && x <= '9':
		return int32(x - ('0' - 26)), true
	case 'A' <= x && x <= 'Z':
		return int32(x - 'A'), true
	case 'a' <= x && x <= 'z':
		return int32(x - 'a'), true
	}
	return 0, false
}

func jubPunyEncodeDigit(digit int32) byte {
	switch {
	case 0 <= digit && digit < 26:
		return byte(digit + 'a')
	case 26 <= digit && digit < 36:
		return byte(digit + ('0' - 26))
	}
	panic("idna: internal error in punycode encoding")
}

// jubPunyAdapt is the bias adaptation function of RFC 3492 §6.1.
func jubPunyAdapt(delta, numPoints int32, firstTime bool) int32 {
	if firstTime {
		delta /= jubPunyDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := int32(0)
	for delta > ((jubPunyBase-jubPunyTmin)*jubPunyTmax)/2 {
		delta /= jubPunyBase - jubPunyTmin
		k += jubPunyBase
	}
	return k + (jubPunyBase-jubPunyTmin+1)*delta/(delta+jubPunySkew)
}
