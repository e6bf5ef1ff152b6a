package cql2

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

type rec struct {
	props map[string]any
	geom  orb.Geometry
}

func (r rec) Property(n string) (any, bool) { v, ok := r.props[n]; return v, ok }
func (r rec) Geometry() orb.Geometry        { return r.geom }

var square = orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}

var recs = []rec{
	{map[string]any{"naam": "Jaarbeurs", "gemeente": "GM0344", "score": 0.8, "eligible": true, "n": 3, "datum": "2024-05-01"}, orb.Point{5, 5}},
	{map[string]any{"naam": "Binckhorst", "gemeente": "GM0518", "score": 0.4, "eligible": false, "n": int64(7), "datum": time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}, square},
	{map[string]any{"naam": "O'Brien 50%", "gemeente": "GM0344", "score": nil, "eligible": true}, orb.LineString{{20, 20}, {30, 30}}},
}

func TestMatch(t *testing.T) {
	tests := []struct {
		filter string
		want   []int // indexes of matching recs
	}{
		{"gemeente = 'GM0344'", []int{0, 2}},
		{"gemeente <> 'GM0344'", []int{1}},
		{"score > 0.5", []int{0}},
		{"score >= 0.4", []int{0, 1}},
		{"score < 0.5 OR eligible = false", []int{1}},
		{"NOT score < 0.5", []int{0}}, // NULL stays unknown under NOT
		{"score IS NULL", []int{2}},
		{"score IS NOT NULL", []int{0, 1}},
		{"missing IS NULL", []int{0, 1, 2}},
		{"eligible = true AND gemeente = 'GM0344'", []int{0, 2}},
		{"eligible AND gemeente = 'GM0344'", nil}, // parse error case handled below
		{"(gemeente = 'GM0518' OR score > 0.7) AND eligible = true", []int{0}},
		{"naam LIKE 'B%'", []int{1}},
		{"naam LIKE '%50\\%'", []int{2}},
		{"naam LIKE 'O''Brien%'", []int{2}},
		{"naam LIKE '_aarbeurs'", []int{0}},
		{"naam NOT LIKE '%r%'", nil},
		{"gemeente IN ('GM0518', 'GM9999')", []int{1}},
		{"gemeente NOT IN ('GM0518')", []int{0, 2}},
		{"n BETWEEN 3 AND 6", []int{0}},
		{"n NOT BETWEEN 3 AND 6", []int{1}},
		{"datum > DATE('2023-06-01')", []int{0}},
		{"datum <= TIMESTAMP('2023-01-01T00:00:00Z')", []int{1}},
		{"S_INTERSECTS(geometry, BBOX(4,4,6,6))", []int{0, 1}},
		{"S_INTERSECTS(geometry, BBOX(10,10,12,12))", []int{1}}, // touches the square's corner
		{"S_INTERSECTS(geometry, POINT(25 25))", []int{2}},
		{"S_INTERSECTS(geometry, POLYGON((11 0, 40 0, 40 19, 11 19, 11 0)))", nil},
		{"S_INTERSECTS(geometry, POLYGON((2 2, 3 2, 3 3, 2 3, 2 2)))", []int{1}}, // inside the square
		{"S_INTERSECTS(geometry, LINESTRING(-1 -1, 11 11))", []int{0, 1}},
		{"S_INTERSECTS(geometry, MULTIPOINT((5 5), (30 30)))", []int{0, 1, 2}},
		{"S_DISJOINT(geometry, BBOX(4,4,6,6))", []int{2}},
		{"TRUE", []int{0, 1, 2}},
		{"\"gemeente\" = 'GM0518'", []int{1}},
		{"GEMEENTE = 'x' or naam = 'Jaarbeurs'", []int{0}},
	}
	for _, tt := range tests {
		f, err := Parse(tt.filter)
		if tt.filter == "eligible AND gemeente = 'GM0344'" {
			if err == nil {
				t.Errorf("Parse(%q) accepted a bare property as a predicate", tt.filter)
			}
			continue
		}
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.filter, err)
			continue
		}
		var got []int
		for i, r := range recs {
			if f.Match(r) {
				got = append(got, i)
			}
		}
		if !equalInts(got, tt.want) {
			t.Errorf("%q matched %v, want %v", tt.filter, got, tt.want)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseErrors(t *testing.T) {
	for _, s := range []string{
		"", "gemeente =", "gemeente = 'GM0344", "= 3", "a = 1 AND", "(a = 1", "a = 1)",
		"a LIKE 3", "a IN (1, 2", "a BETWEEN 1", "S_INTERSECTS(geometry, POLYGON((0 0, 1 0, 0 0)))",
		"S_INTERSECTS(naam, BBOX(0,0,1,1))", "S_INTERSECTS(geometry, BBOX(1,1,0,0))", "a IS 3",
		"foo(a) = 1", "a = DATE('gisteren')", "a # 1", "a = 1e999", "\"a = 1",
	} {
		_, err := Parse(s)
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, ErrSyntax) {
			t.Errorf("Parse(%q) = %v, want a *SyntaxError", s, err)
		}
	}
}

func TestCheck(t *testing.T) {
	types := map[string]string{"gemeente": TypeString, "score": TypeNumber, "eligible": TypeBoolean, "datum": TypeDate}
	for s, want := range map[string]error{
		"gemeente = 'x' AND score > 1":       nil,
		"datum > DATE('2024-01-01')":         nil,
		"onbekend = 1":                       ErrUnknownProperty,
		"score = 'hoog'":                     ErrTypeMismatch,
		"eligible = 1":                       ErrTypeMismatch,
		"score LIKE 'x%'":                    ErrTypeMismatch,
		"gemeente IN ('a', 3)":               ErrTypeMismatch,
		"S_INTERSECTS(geometry, POINT(1 2))": nil,
	} {
		f, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if err := f.Check(types); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("Check(%q) = %v, want %v", s, err, want)
		}
	}
}

func TestTransformGeometries(t *testing.T) {
	f, err := Parse("S_INTERSECTS(geometry, BBOX(0,0,1,1))")
	if err != nil {
		t.Fatal(err)
	}
	f.TransformGeometries(func(g orb.Geometry) orb.Geometry {
		b := g.(orb.Bound)
		return orb.Bound{Min: orb.Point{b.Min[0] + 100, b.Min[1]}, Max: orb.Point{b.Max[0] + 100, b.Max[1]}}
	})
	if f.Match(rec{geom: orb.Point{0.5, 0.5}}) || !f.Match(rec{geom: orb.Point{100.5, 0.5}}) {
		t.Error("literal was not transformed")
	}
	if got := f.Properties(); len(got) != 0 {
		t.Errorf("Properties() = %v, want none (geometry excluded)", got)
	}
}

func TestLike(t *testing.T) {
	for _, tt := range []struct {
		s, p string
		want bool
	}{
		{"", "", true}, {"", "%", true}, {"a", "", false}, {"abc", "a%c", true}, {"abc", "a%b", false},
		{"aXbXc", "%X%X%", true}, {"Ütrecht", "_trecht", true}, {"a_b", "a\\_b", true}, {"axb", "a\\_b", false},
		{"abcabd", "%abd", true},
	} {
		if got := like(tt.s, tt.p); got != tt.want {
			t.Errorf("like(%q, %q) = %v, want %v", tt.s, tt.p, got, tt.want)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"gemeente = 'GM0344'", "a > 1 AND (b < 2 OR NOT c IS NULL)", "S_INTERSECTS(geometry, BBOX(1,2,3,4))",
		"S_INTERSECTS(geometry, MULTIPOLYGON(((0 0, 1 0, 1 1, 0 0)),((5 5, 6 5, 6 6, 5 5))))",
		"naam LIKE '%\\%'", "x IN (1,2,3)", "d BETWEEN DATE('2020-01-01') AND DATE('2021-01-01')", "((((",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := Parse(s)
		if err != nil {
			return
		}
		flt.Match(recs[0])
		flt.Match(recs[1])
		flt.Match(rec{})
		_ = flt.Check(map[string]string{"a": TypeNumber})
	})
}

func TestLikeWildcardLimit(t *testing.T) {
	if _, err := Parse("attributen LIKE '%" + strings.Repeat("_", 1300) + "Z'"); err == nil {
		t.Error("a LIKE pattern with 1,301 wildcards was accepted")
	}
	if _, err := Parse("naam LIKE '%" + strings.Repeat("_", 60) + "%'"); err != nil {
		t.Errorf("a LIKE pattern with 62 wildcards was refused: %v", err)
	}
}
