package geo

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

var (
	testSquare = orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}}, // hole
	}
	testTwoSquares = orb.MultiPolygon{
		testSquare,
		{{{20, 0}, {30, 0}, {30, 10}, {20, 10}, {20, 0}}},
	}
)

func TestDistance(t *testing.T) {
	tests := []struct {
		name string
		p    orb.Point
		g    orb.Geometry
		want float64
	}{
		{"point", orb.Point{0, 0}, orb.Point{3, 4}, 5},
		{"multipoint", orb.Point{0, 0}, orb.MultiPoint{{3, 4}, {6, 8}, {0, -2}}, 2},
		{"line middle", orb.Point{5, 3}, orb.LineString{{0, 0}, {10, 0}}, 3},
		{"line end", orb.Point{13, 4}, orb.LineString{{0, 0}, {10, 0}}, 5},
		{"line bend", orb.Point{1, 1}, orb.LineString{{-5, 0}, {0, 0}, {0, 5}}, 1},
		{"multiline", orb.Point{0, 0}, orb.MultiLineString{{{5, -5}, {5, 5}}, {{-2, -5}, {-2, 5}}}, 2},
		{"inside polygon", orb.Point{1, 1}, testSquare, 0},
		{"on boundary", orb.Point{10, 5}, testSquare, 0},
		{"outside polygon", orb.Point{13, 14}, testSquare, 5},
		{"in hole", orb.Point{5, 5.5}, testSquare, 0.5},
		{"on hole boundary", orb.Point{4, 5}, testSquare, 0},
		{"between polygons", orb.Point{16, 5}, testTwoSquares, 4},
		{"in second polygon", orb.Point{25, 5}, testTwoSquares, 0},
		{"bound", orb.Point{-3, -4}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}, 5},
		{"ring inside", orb.Point{1, 1}, testSquare[0], 0},
		{"collection", orb.Point{0, 0}, orb.Collection{orb.Point{0, 9}, orb.LineString{{3, -10}, {3, 10}}}, 3},
	}
	for _, tt := range tests {
		if got := Distance(tt.p, tt.g); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("%s: Distance(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
	for _, g := range []orb.Geometry{nil, orb.MultiPoint{}, orb.LineString{}, orb.Polygon{}, orb.MultiPolygon{}, orb.Collection{}} {
		if d := Distance(orb.Point{1, 1}, g); !math.IsInf(d, 1) {
			t.Errorf("Distance to empty %T = %v, want +Inf", g, d)
		}
	}
}

func TestContains(t *testing.T) {
	tests := []struct {
		p    orb.Point
		g    orb.Geometry
		want bool
	}{
		{orb.Point{1, 1}, testSquare, true},
		{orb.Point{0, 0}, testSquare, true},   // vertex
		{orb.Point{10, 5}, testSquare, true},  // edge
		{orb.Point{5, 5}, testSquare, false},  // hole
		{orb.Point{4, 5}, testSquare, true},   // hole boundary
		{orb.Point{11, 5}, testSquare, false}, // outside
		{orb.Point{25, 5}, testTwoSquares, true},
		{orb.Point{15, 5}, testTwoSquares, false},
		{orb.Point{5, 5}, testSquare[0], true},
		{orb.Point{5, 5}, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{10, 10}}, true},
		{orb.Point{5, 5}, orb.Collection{orb.Point{5, 5}, testSquare[0]}, true},
		{orb.Point{5, 5}, orb.Point{5, 5}, false},
		{orb.Point{5, 5}, orb.Polygon{}, false},
		{orb.Point{5, 5}, nil, false},
	}
	for _, tt := range tests {
		if got := Contains(tt.g, tt.p); got != tt.want {
			t.Errorf("Contains(%v, %v) = %v, want %v", tt.g, tt.p, got, tt.want)
		}
	}
}

func TestAreaCentroid(t *testing.T) {
	if a := Area(testSquare); a != 96 {
		t.Errorf("Area(square with hole) = %v, want 96", a)
	}
	if a := Area(testTwoSquares); a != 196 {
		t.Errorf("Area(two squares) = %v, want 196", a)
	}
	cw := orb.Polygon{{{0, 0}, {0, 2}, {3, 2}, {3, 0}, {0, 0}}}
	if a := Area(cw); a != 6 {
		t.Errorf("Area(clockwise 3x2) = %v, want 6", a)
	}
	if a := Area(orb.Point{1, 1}); a != 0 {
		t.Errorf("Area(point) = %v", a)
	}
	if a := Area(orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{3, 4}}); a != 6 {
		t.Errorf("Area(bound) = %v", a)
	}
	// Agrees with orb/planar on an RD-sized polygon.
	rd := orb.Polygon{{{155000, 463000}, {155100, 463000}, {155100, 463050}, {155000, 463000}}}
	if a, want := Area(rd), planar.Area(rd); math.Abs(a-want) > 1e-6 || a != 2500 {
		t.Errorf("Area(rd triangle) = %v, planar %v, want 2500", a, want)
	}

	tests := []struct {
		g    orb.Geometry
		want orb.Point
	}{
		{orb.Point{3, 4}, orb.Point{3, 4}},
		{orb.MultiPoint{{0, 0}, {2, 0}, {1, 3}}, orb.Point{1, 1}},
		{orb.LineString{{0, 0}, {10, 0}}, orb.Point{5, 0}},
		{testSquare, orb.Point{5, 5}}, // symmetric hole
		{orb.Polygon{{{0, 0}, {3, 0}, {0, 3}, {0, 0}}}, orb.Point{1, 1}},
		{nil, orb.Point{}},
		{orb.Polygon{}, orb.Point{}},
	}
	for _, tt := range tests {
		got := Centroid(tt.g)
		if math.Abs(got[0]-tt.want[0]) > 1e-9 || math.Abs(got[1]-tt.want[1]) > 1e-9 {
			t.Errorf("Centroid(%v) = %v, want %v", tt.g, got, tt.want)
		}
	}
}
