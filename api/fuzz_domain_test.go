package api

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/matching"
)

// wantParamProblem fails unless err is a *Problem naming param.
func wantParamProblem(t *testing.T, err error, param, input string) {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) || p.Parameter != param || p.Status != 400 || p.Detail == "" {
		t.Fatalf("%q: error %v does not name parameter %s", input, err, param)
	}
}

// FuzzAdjustWeights feeds the gewichten parameter of /locaties/{id}/score
// to adjustWeights: errors must be 400 problems naming gewichten, the base
// profile must never change, and an accepted spec must set exactly the
// named weights to finite values from 0 to 1000.
func FuzzAdjustWeights(f *testing.F) {
	for _, s := range []string{"", "afstand_ov:20", "afstand_ov:20,huisarts:5", " afstand_ov : 0 ", "afstand_ov:NaN",
		"afstand_ov:inf", "afstand_ov:1e3", "afstand_ov:-0", "afstand_ov:0x1p3", ":", ",", "afstand_ov:1:2", "vliegveld:10"} {
		f.Add(s)
	}
	base, err := matching.DefaultProfile("flexwonen")
	if err != nil {
		f.Fatal(err)
	}
	orig := base.Clone()
	f.Fuzz(func(t *testing.T, spec string) {
		q, err := adjustWeights(base, spec)
		if !sameWeights(base, orig) {
			t.Fatalf("adjustWeights(%q) changed the base profile", spec)
		}
		if err != nil {
			wantParamProblem(t, err, "gewichten", spec)
			return
		}
		if q == base || len(q.Criteria) != len(base.Criteria) {
			t.Fatalf("adjustWeights(%q) did not return a copy", spec)
		}
		set := map[string]float64{}
		for _, part := range strings.Split(spec, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(part), ":")
			w, _ := strconv.ParseFloat(strings.TrimSpace(val), 64)
			set[strings.TrimSpace(name)] = w
		}
		for i, c := range q.Criteria {
			if math.IsNaN(c.Weight) || c.Weight < 0 || c.Weight > math.Max(1000, base.Criteria[i].Weight) {
				t.Fatalf("adjustWeights(%q): %s weight %v", spec, c.Name, c.Weight)
			}
			want, named := set[c.Name]
			if !named {
				want = base.Criteria[i].Weight
			}
			if spec != "" && c.Weight != want {
				t.Fatalf("adjustWeights(%q): %s weight %v, want %v", spec, c.Name, c.Weight, want)
			}
		}
	})
}

func sameWeights(a, b *matching.Profile) bool {
	if len(a.Criteria) != len(b.Criteria) {
		return false
	}
	for i := range a.Criteria {
		if a.Criteria[i].Name != b.Criteria[i].Name || a.Criteria[i].Weight != b.Criteria[i].Weight {
			return false
		}
	}
	return true
}

// FuzzParseSortBy: accepted keys are properties of the collection or "id";
// errors name sortby.
func FuzzParseSortBy(f *testing.F) {
	for _, s := range []string{"", "naam", "-score,+naam", "naam DESC", "naam asc", "id", "-", ",", " - naam ", "naam deſc", "x"} {
		f.Add(s)
	}
	coll := testLayers()[0].Collection
	f.Fuzz(func(t *testing.T, s string) {
		keys, err := parseSortBy(s, coll)
		if err != nil {
			wantParamProblem(t, err, "sortby", s)
			return
		}
		if s != "" && len(keys) != strings.Count(s, ",")+1 {
			t.Fatalf("parseSortBy(%q) = %d keys", s, len(keys))
		}
		for _, k := range keys {
			if _, ok := coll.Property(k.Name); !ok && k.Name != "id" {
				t.Fatalf("parseSortBy(%q) accepted %q", s, k.Name)
			}
		}
	})
}

// FuzzParseCRSParam: crs gives a supported CRS or a problem naming crs.
func FuzzParseCRSParam(f *testing.F) {
	for _, s := range []string{"", "EPSG:28992", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", "urn:ogc:def:crs:EPSG::4326", "3857", " 28992 "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCRS(s)
		if err != nil {
			wantParamProblem(t, err, "crs", s)
			return
		}
		if !slices.Contains(supportedCRS[:], c) {
			t.Fatalf("parseCRS(%q) = %q, not supported", s, c)
		}
	})
}

// FuzzParseLimitOffset: limit is 1..max, offset 0..2^31, or a problem naming
// the parameter.
func FuzzParseLimitOffset(f *testing.F) {
	for _, s := range []string{"", "10", "0", "-1", "+5", " 7 ", "99999999999999999999", "-99999999999999999999", "1e3", "abc"} {
		f.Add(s, 100)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if max < 1 {
			max = 1
		}
		n, err := parseLimit(s, 10, max)
		if err != nil {
			wantParamProblem(t, err, "limit", s)
		} else if s != "" && (n < 1 || n > max) {
			t.Fatalf("parseLimit(%q, max %d) = %d", s, max, n)
		}
		o, err := parseOffset(s)
		if err != nil {
			wantParamProblem(t, err, "offset", s)
		} else if o < 0 || o > 1<<31 {
			t.Fatalf("parseOffset(%q) = %d", s, o)
		}
	})
}
