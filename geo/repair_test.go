package geo

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestRepairValid(t *testing.T) {
	square := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}} // CCW
	hole := orb.Ring{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}       // CW
	tests := []struct {
		name    string
		in      orb.Geometry
		want    orb.Geometry
		changes []string
	}{
		{"point", orb.Point{1, 2}, orb.Point{1, 2}, nil},
		{"multipoint", orb.MultiPoint{{1, 2}, {1, 2}}, orb.MultiPoint{{1, 2}, {1, 2}}, nil},
		{"line", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{0, 0}, {1, 1}}, nil},
		{"line repeats", orb.LineString{{0, 0}, {0, 0}, {1, 1}, {1, 1}, {1, 1}},
			orb.LineString{{0, 0}, {1, 1}}, []string{"removed 3 repeated points"}},
		{"self-crossing line is fine", orb.LineString{{0, 0}, {2, 2}, {2, 0}, {0, 2}},
			orb.LineString{{0, 0}, {2, 2}, {2, 0}, {0, 2}}, nil},
		{"multiline", orb.MultiLineString{{{0, 0}, {1, 1}}, {{5, 5}, {5, 5}, {6, 6}}},
			orb.MultiLineString{{{0, 0}, {1, 1}}, {{5, 5}, {6, 6}}},
			[]string{"line 2: removed 1 repeated point"}},
		{"valid polygon", orb.Polygon{square, hole}, orb.Polygon{square, hole}, nil},
		{"unclosed", orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}}}, orb.Polygon{square},
			[]string{"outer ring: closed the ring"}},
		{"clockwise shell", orb.Polygon{{{0, 0}, {0, 10}, {10, 10}, {10, 0}, {0, 0}}},
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
			[]string{"outer ring: reversed to counter-clockwise"}},
		{"counter-clockwise hole", orb.Polygon{square, {{2, 2}, {4, 2}, {4, 4}, {2, 4}, {2, 2}}},
			orb.Polygon{square, {{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}},
			[]string{"hole 1: reversed to clockwise"}},
		{"repeats, unclosed and clockwise",
			orb.Polygon{{{0, 0}, {0, 10}, {0, 10}, {10, 10}, {10, 0}}},
			orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}},
			[]string{"outer ring: removed 1 repeated point", "outer ring: closed the ring", "outer ring: reversed to counter-clockwise"}},
		{"hole touching shell at a vertex", orb.Polygon{square, {{0, 0}, {4, 2}, {2, 4}, {0, 0}}},
			orb.Polygon{square, {{0, 0}, {2, 4}, {4, 2}, {0, 0}}},
			[]string{"hole 1: reversed to clockwise"}},
		{"multipolygon", orb.MultiPolygon{{square}, {{{20, 20}, {20, 30}, {30, 30}, {20, 20}}}},
			orb.MultiPolygon{{square}, {{{20, 20}, {30, 30}, {20, 30}, {20, 20}}}},
			[]string{"polygon 2, outer ring: reversed to counter-clockwise"}},
		{"collection", orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {0, 0}, {1, 0}}},
			orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {1, 0}}},
			[]string{"part 2: removed 1 repeated point"}},
		{"bare ring", orb.Ring{{0, 0}, {0, 1}, {1, 1}},
			orb.Ring{{0, 0}, {1, 1}, {0, 1}, {0, 0}},
			[]string{"ring: closed the ring", "ring: reversed to counter-clockwise"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := orb.Clone(tt.in)
			got, changes, err := Repair(tt.in)
			if err != nil {
				t.Fatalf("Repair: %v", err)
			}
			if !orb.Equal(got, tt.want) {
				t.Errorf("got %v\nwant %v", got, tt.want)
			}
			if !slices.Equal(changes, tt.changes) {
				t.Errorf("changes %q\nwant %q", changes, tt.changes)
			}
			if !orb.Equal(tt.in, before) {
				t.Error("input modified")
			}
			// Repairing a repaired geometry changes nothing.
			again, changes, err := Repair(got)
			if err != nil || len(changes) != 0 || !orb.Equal(again, got) {
				t.Errorf("second repair: %v %q %v", again, changes, err)
			}
		})
	}
}

func TestRepairDropsFlatHole(t *testing.T) {
	// A hole whose points all lie on one line but that does not fold back
	// over itself cannot exist (it would need 3 collinear segments forming a
	// ring), so a zero-area hole is always caught as a spike: check that.
	square := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	_, _, err := Repair(orb.Polygon{square, {{2, 2}, {3, 3}, {4, 4}, {2, 2}}})
	if !errors.Is(err, ErrInvalidGeometry) || !strings.Contains(err.Error(), "hole 1 intersects itself") {
		t.Errorf("flat hole: %v", err)
	}
}

func TestRepairInvalid(t *testing.T) {
	square := orb.Ring{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}
	tests := []struct {
		name string
		in   orb.Geometry
		want string
	}{
		{"nil", nil, "invalid geometry: has no geometry"},
		{"NaN point", orb.Point{math.NaN(), 1}, "invalid geometry: has an invalid coordinate (NaN, 1)"},
		{"Inf in line", orb.LineString{{0, 0}, {math.Inf(1), 1}}, "invalid geometry: line, point 2 has an invalid coordinate (+Inf, 1)"},
		{"empty multipoint", orb.MultiPoint{}, "invalid geometry: has no points"},
		{"one-point line", orb.LineString{{1, 1}, {1, 1}}, "invalid geometry: line has 1 distinct point, a line needs at least 2"},
		{"empty polygon", orb.Polygon{}, "invalid geometry: has no rings"},
		{"two-point ring", orb.Polygon{{{0, 0}, {1, 1}, {0, 0}}}, "invalid geometry: outer ring has 2 distinct points, a ring needs at least 3"},
		{"bow tie", orb.Polygon{{{155000, 463000}, {155010, 463010}, {155010, 463000}, {155000, 463010}, {155000, 463000}}},
			"invalid geometry: outer ring intersects itself near (155005.0, 463005.0)"},
		{"spike", orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {10, 5}, {0, 10}, {0, 0}}},
			"invalid geometry: outer ring intersects itself near (10, 5)"},
		{"flat shell", orb.Polygon{{{0, 0}, {5, 0}, {10, 0}, {0, 0}}},
			"invalid geometry: outer ring intersects itself near (0, 0)"},
		{"touching itself", orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {5, 0}, {0, 10}, {0, 0}}},
			"invalid geometry: outer ring intersects itself near (5, 0)"},
		{"hole outside", orb.Polygon{square, {{20, 20}, {20, 22}, {22, 22}, {20, 20}}},
			"invalid geometry: hole 1 lies (partly) outside the outer ring near (20, 20)"},
		{"hole partly outside", orb.Polygon{square, {{5, 5}, {5, 15}, {6, 5}, {5, 5}}},
			"invalid geometry: hole 1 lies (partly) outside the outer ring near (5, 15)"},
		{"bad second polygon", orb.MultiPolygon{{square}, {{{0, 0}, {1, 1}}}},
			"invalid geometry: polygon 2, outer ring has 2 distinct points, a ring needs at least 3"},
		{"bad part", orb.Collection{orb.Point{1, 1}, orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}}}},
			"invalid geometry: part 2, line 2 has 1 distinct point, a line needs at least 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changes, err := Repair(tt.in)
			if !errors.Is(err, ErrInvalidGeometry) {
				t.Fatalf("Repair = %v, %q, %v; want ErrInvalidGeometry", got, changes, err)
			}
			var ge *GeometryError
			if !errors.As(err, &ge) {
				t.Errorf("error %T is not a *GeometryError", err)
			}
			if err.Error() != tt.want {
				t.Errorf("error %q\nwant  %q", err, tt.want)
			}
		})
	}
}

// TestSelfIntersectionRandom compares the sort-and-sweep ring check with a
// brute-force pairwise check on random small rings.
func TestSelfIntersectionRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	bad := 0
	for n := range 3000 {
		k := 3 + rng.IntN(6)
		ring := make([]orb.Point, 0, k+1)
		for range k {
			// A coarse grid makes touching and collinear cases common.
			p := orb.Point{float64(rng.IntN(6)), float64(rng.IntN(6))}
			if len(ring) > 0 && ring[len(ring)-1] == p {
				continue
			}
			ring = append(ring, p)
		}
		if len(ring) < 3 || ring[0] == ring[len(ring)-1] {
			continue
		}
		ring = append(ring, ring[0])
		_, got := selfIntersection(ring)
		want := bruteSelfIntersects(ring)
		if got != want {
			t.Fatalf("case %d ring %v: sweep %v, brute force %v", n, ring, got, want)
		}
		if got {
			bad++
		}
	}
	if bad == 0 {
		t.Fatal("no self-intersecting rings generated: the test is too weak")
	}
}

func bruteSelfIntersects(ring []orb.Point) bool {
	m := len(ring) - 1
	for i := 0; i < m; i++ {
		for j := i + 1; j < m; j++ {
			if _, bad := segmentPair(ring, m, i, j); bad {
				return true
			}
		}
	}
	return false
}

func TestSegmentIntersection(t *testing.T) {
	tests := []struct {
		a, b, c, d orb.Point
		want       bool
		at         orb.Point
	}{
		{orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{0, 2}, orb.Point{2, 0}, true, orb.Point{1, 1}},
		{orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{1, 0}, orb.Point{1, 5}, true, orb.Point{1, 0}}, // T-junction
		{orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{3, 0}, orb.Point{5, 0}, false, orb.Point{}},    // collinear apart
		{orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{1, 0}, orb.Point{5, 0}, true, orb.Point{2, 0}}, // collinear overlap
		{orb.Point{0, 0}, orb.Point{2, 0}, orb.Point{0, 1}, orb.Point{2, 1}, false, orb.Point{}},    // parallel
		{orb.Point{0, 0}, orb.Point{2, 2}, orb.Point{3, 3}, orb.Point{3, 10}, false, orb.Point{}},   // near miss
	}
	for _, tt := range tests {
		at, got := segmentIntersection(tt.a, tt.b, tt.c, tt.d)
		if got != tt.want || (got && at != tt.at) {
			t.Errorf("%v-%v x %v-%v = %v %v; want %v %v", tt.a, tt.b, tt.c, tt.d, at, got, tt.at, tt.want)
		}
	}
}

func TestRepairLargeRing(t *testing.T) {
	// A 200 000-vertex circle must be accepted quickly (no O(n^2) blowup).
	const n = 200000
	ring := make(orb.Ring, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		ring[i] = orb.Point{155000 + 1000*math.Cos(a), 463000 + 1000*math.Sin(a)}
	}
	ring[n] = ring[0]
	if _, changes, err := Repair(orb.Polygon{ring}); err != nil || len(changes) != 0 {
		t.Fatalf("circle: %q %v", changes, err)
	}
}

func BenchmarkRepairPolygon(b *testing.B) {
	const n = 10000
	ring := make(orb.Ring, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		ring[i] = orb.Point{155000 + 100*math.Cos(a), 463000 + 100*math.Sin(a)}
	}
	ring[n] = ring[0]
	poly := orb.Polygon{ring}
	for b.Loop() {
		if _, _, err := Repair(poly); err != nil {
			b.Fatal(err)
		}
	}
}
