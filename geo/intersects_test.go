package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersects(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}
	holed := orb.Polygon{square[0], {{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}}}
	for _, tc := range []struct {
		name string
		a, b orb.Geometry
		want bool
	}{
		{"point inside", orb.Point{5, 5}, square, true},
		{"point on edge", orb.Point{10, 5}, square, true},
		{"point outside", orb.Point{11, 5}, square, false},
		{"point in hole", orb.Point{5, 5}, holed, false},
		{"point on hole edge", orb.Point{3, 5}, holed, true},
		{"crossing lines", orb.LineString{{0, 0}, {2, 2}}, orb.LineString{{0, 2}, {2, 0}}, true},
		{"parallel lines", orb.LineString{{0, 0}, {2, 0}}, orb.LineString{{0, 1}, {2, 1}}, false},
		{"touching lines", orb.LineString{{0, 0}, {1, 1}}, orb.LineString{{1, 1}, {2, 0}}, true},
		{"line through polygon", orb.LineString{{-1, 5}, {11, 5}}, square, true},
		{"line inside hole", orb.LineString{{4, 4}, {6, 6}}, holed, false},
		{"polygon inside polygon", orb.Polygon{{{1, 1}, {2, 1}, {2, 2}, {1, 1}}}, square, true},
		{"disjoint polygons", orb.Polygon{{{20, 20}, {30, 20}, {30, 30}, {20, 20}}}, square, false},
		{"bound overlapping", orb.Bound{Min: orb.Point{9, 9}, Max: orb.Point{12, 12}}, square, true},
		{"multipolygon second part", orb.MultiPolygon{{{{20, 20}, {21, 20}, {21, 21}, {20, 20}}}, square}, orb.Point{1, 1}, true},
		{"collection", orb.Collection{orb.Point{50, 50}, orb.Point{5, 5}}, square, true},
		{"nil", nil, square, false},
	} {
		if got := Intersects(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Intersects = %v, want %v", tc.name, got, tc.want)
		}
		if tc.a != nil {
			if got := Intersects(tc.b, tc.a); got != tc.want {
				t.Errorf("%s (swapped): Intersects = %v, want %v", tc.name, got, tc.want)
			}
		}
	}
}
