package cql2

import (
	"strings"
	"time"
	"unicode/utf8"
)

func (n andNode) eval(r Record) tri {
	l := n.left.eval(r)
	if l == triFalse {
		return triFalse
	}
	return min(l, n.right.eval(r))
}

func (n orNode) eval(r Record) tri {
	l := n.left.eval(r)
	if l == triTrue {
		return triTrue
	}
	return max(l, n.right.eval(r))
}

func (n notNode) eval(r Record) tri { return triTrue - n.inner.eval(r) }

func (n boolLit) eval(Record) tri { return triOf(n.v) }

func (n cmpNode) eval(r Record) tri {
	c, ok := compare(normalize(n.left.value(r)), normalize(n.right.value(r)))
	if !ok {
		return triUnknown
	}
	switch n.op {
	case "=":
		return triOf(c == 0)
	case "<>":
		return triOf(c != 0)
	case "<":
		return triOf(c < 0)
	case ">":
		return triOf(c > 0)
	case "<=":
		return triOf(c <= 0)
	case ">=":
		return triOf(c >= 0)
	}
	return triUnknown
}

func (n likeNode) eval(r Record) tri {
	s, ok := normalize(n.expr.value(r)).(string)
	if !ok {
		return triUnknown
	}
	m := triOf(like(s, n.pattern))
	if n.not {
		return triTrue - m
	}
	return m
}

func (n inNode) eval(r Record) tri {
	v := normalize(n.expr.value(r))
	res := triFalse
	for _, s := range n.list {
		c, ok := compare(v, normalize(s.value(r)))
		if !ok {
			res = triUnknown
			continue
		}
		if c == 0 {
			res = triTrue
			break
		}
	}
	if n.not {
		return triTrue - res
	}
	return res
}

func (n betweenNode) eval(r Record) tri {
	v := normalize(n.expr.value(r))
	c1, ok1 := compare(v, normalize(n.lo.value(r)))
	c2, ok2 := compare(v, normalize(n.hi.value(r)))
	if !ok1 || !ok2 {
		return triUnknown
	}
	m := triOf(c1 >= 0 && c2 <= 0)
	if n.not {
		return triTrue - m
	}
	return m
}

func (n isNullNode) eval(r Record) tri {
	null := normalize(n.expr.value(r)) == nil
	return triOf(null != n.not)
}

func (n spatialNode) eval(r Record) tri {
	a, b := n.a.geom(r), n.b.geom(r)
	if a == nil || b == nil {
		return triUnknown
	}
	hit := Intersects(a, b)
	if n.fn == "S_DISJOINT" {
		hit = !hit
	}
	return triOf(hit)
}

// normalize maps property values onto nil, bool, string, float64 or time.Time.
func normalize(v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case bool, string, float64, time.Time:
		return x
	case float32:
		return float64(x)
	case int:
		return float64(x)
	case int8:
		return float64(x)
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case int64:
		return float64(x)
	case uint:
		return float64(x)
	case uint8:
		return float64(x)
	case uint16:
		return float64(x)
	case uint32:
		return float64(x)
	case uint64:
		return float64(x)
	case *string:
		if x == nil {
			return nil
		}
		return *x
	case *float64:
		if x == nil {
			return nil
		}
		return *x
	case *int:
		if x == nil {
			return nil
		}
		return float64(*x)
	case *bool:
		if x == nil {
			return nil
		}
		return *x
	case *time.Time:
		if x == nil {
			return nil
		}
		return *x
	case interface{ String() string }:
		return x.String()
	}
	return nil
}

// compare orders two normalized values; ok is false when either is NULL or
// their types cannot be compared.
func compare(a, b any) (int, bool) {
	if a == nil || b == nil {
		return 0, false
	}
	switch x := a.(type) {
	case float64:
		y, ok := b.(float64)
		if !ok {
			return 0, false
		}
		switch {
		case x < y:
			return -1, true
		case x > y:
			return 1, true
		}
		return 0, true
	case string:
		switch y := b.(type) {
		case string:
			return strings.Compare(x, y), true
		case time.Time:
			t, ok := parseTime(x)
			if !ok {
				return 0, false
			}
			return t.Compare(y), true
		}
	case bool:
		y, ok := b.(bool)
		if !ok {
			return 0, false
		}
		switch {
		case x == y:
			return 0, true
		case !x:
			return -1, true
		}
		return 1, true
	case time.Time:
		switch y := b.(type) {
		case time.Time:
			return x.Compare(y), true
		case string:
			t, ok := parseTime(y)
			if !ok {
				return 0, false
			}
			return x.Compare(t), true
		}
	}
	return 0, false
}

// like matches s against a LIKE pattern: % is any run of characters, _ is
// one character and a backslash escapes the next character.
func like(s, pattern string) bool {
	// Iterative matching with backtracking to the last %, linear in practice.
	si, pi := 0, 0
	starP, starS := -1, 0
	for si < len(s) {
		if pi < len(pattern) {
			pc, pw := utf8.DecodeRuneInString(pattern[pi:])
			sc, sw := utf8.DecodeRuneInString(s[si:])
			switch {
			case pc == '%':
				starP, starS = pi, si
				pi += pw
				continue
			case pc == '_':
				pi += pw
				si += sw
				continue
			case pc == '\\' && pi+pw < len(pattern):
				ec, ew := utf8.DecodeRuneInString(pattern[pi+pw:])
				if ec == sc {
					pi += pw + ew
					si += sw
					continue
				}
			case pc == sc:
				pi += pw
				si += sw
				continue
			}
		}
		if starP < 0 {
			return false
		}
		_, sw := utf8.DecodeRuneInString(s[starS:])
		starS += sw
		si = starS
		pi = starP + 1
	}
	for pi < len(pattern) && pattern[pi] == '%' {
		pi++
	}
	return pi == len(pattern)
}

// Compare orders two property values the way filters do: numbers of any Go
// type numerically, strings by bytes, false before true, times by instant
// (a string compared with a time is parsed as a date or timestamp). ok is
// false when either value is nil or the types cannot be compared.
func Compare(a, b any) (c int, ok bool) { return compare(normalize(a), normalize(b)) }
