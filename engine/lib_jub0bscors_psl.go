package engine

import (
	_ "embed"
	"net/netip"
	"strings"
)

// The public-suffix check of jub0bs/cors v1.0.1 (internal/origins,
// Pattern.HostIsEffectiveTLD) calls golang.org/x/net/publicsuffix.
// PublicSuffix, ICANN and private rules alike. The engine stays standard
// library only, so this file ports that function (x/net v0.53.0,
// publicsuffix/list.go) and embeds its data unchanged: the three files in
// lib_jub0bscors_psl/ are copies of x/net v0.53.0's publicsuffix/data
// (publicsuffix.org's public_suffix_list.dat, git revision
// d6c92f1bbb7433e5db7b8405c25d4035fb8ff376, 2026-02-06; data under the
// MPL 2.0, code under x/net's BSD licence). About 89 kB: the whole list,
// since a partial one answers wrongly for the suffixes it leaves out.

// Layout of the node and children tables (x/net v0.53.0 table.go).
const (
	pslNodesBits           = 40
	pslNodesBitsChildren   = 10
	pslNodesBitsICANN      = 1
	pslNodesBitsTextOffset = 16
	pslNodesBitsTextLength = 6

	pslChildrenBitsWildcard = 1
	pslChildrenBitsNodeType = 2
	pslChildrenBitsHi       = 14
	pslChildrenBitsLo       = 14

	pslNodeTypeNormal    = 0
	pslNodeTypeException = 1

	pslNumTLD   = 1450
	pslNotFound = 1<<32 - 1
)

var (
	//go:embed lib_jub0bscors_psl/text
	pslText string
	//go:embed lib_jub0bscors_psl/nodes
	pslNodes string
	//go:embed lib_jub0bscors_psl/children
	pslChildren string
)

// publicSuffix mirrors publicsuffix.PublicSuffix (the suffix only): the
// longest matching rule, wildcard and exception rules included, and the
// last label when no rule matches (the implicit "*" rule); an IP address
// is its own suffix.
func publicSuffix(domain string) string {
	if _, err := netip.ParseAddr(domain); err == nil {
		return domain
	}
	lo, hi := uint32(0), uint32(pslNumTLD)
	s, suffix, wildcard := domain, len(domain), false
loop:
	for {
		dot := strings.LastIndexByte(s, '.')
		if wildcard {
			suffix = 1 + dot
		}
		if lo == hi {
			break
		}
		f := pslFind(s[1+dot:], lo, hi)
		if f == pslNotFound {
			break
		}
		u := uint32(pslNode(f) >> (pslNodesBitsTextOffset + pslNodesBitsTextLength))
		u >>= pslNodesBitsICANN
		u = pslChild(u & (1<<pslNodesBitsChildren - 1))
		lo = u & (1<<pslChildrenBitsLo - 1)
		u >>= pslChildrenBitsLo
		hi = u & (1<<pslChildrenBitsHi - 1)
		u >>= pslChildrenBitsHi
		switch u & (1<<pslChildrenBitsNodeType - 1) {
		case pslNodeTypeNormal:
			suffix = 1 + dot
		case pslNodeTypeException:
			suffix = 1 + len(s)
			break loop
		}
		u >>= pslChildrenBitsNodeType
		wildcard = u&(1<<pslChildrenBitsWildcard-1) != 0
		if dot == -1 {
			break
		}
		s = s[:dot]
	}
	if suffix == len(domain) {
		return domain[1+strings.LastIndexByte(domain, '.'):]
	}
	return domain[suffix:]
}

// pslFind mirrors find: a binary search of label among nodes [lo, hi).
func pslFind(label string, lo, hi uint32) uint32 {
	for lo < hi {
		mid := lo + (hi-lo)/2
		s := pslNodeLabel(mid)
		if s < label {
			lo = mid + 1
		} else if s == label {
			return mid
		} else {
			hi = mid
		}
	}
	return pslNotFound
}

func pslNodeLabel(i uint32) string {
	x := pslNode(i)
	length := x & (1<<pslNodesBitsTextLength - 1)
	x >>= pslNodesBitsTextLength
	offset := x & (1<<pslNodesBitsTextOffset - 1)
	return pslText[offset : offset+length]
}

// pslNode mirrors uint40String.get: a big-endian 40-bit integer.
func pslNode(i uint32) uint64 {
	u := pslNodes[uint64(i)*(pslNodesBits/8):]
	return uint64(u[4]) | uint64(u[3])<<8 | uint64(u[2])<<16 | uint64(u[1])<<24 | uint64(u[0])<<32
}

// pslChild mirrors uint32String.get: a big-endian 32-bit integer.
func pslChild(i uint32) uint32 {
	u := pslChildren[i*4:]
	return uint32(u[3]) | uint32(u[2])<<8 | uint32(u[1])<<16 | uint32(u[0])<<24
}
