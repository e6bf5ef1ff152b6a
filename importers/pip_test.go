package importers

import (
	"context"
	"math/rand"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// TestAreaGridMatchesPlainScan checks the gridded, banded point-in-polygon
// test against geo.Contains over every gemeente in order, for random points
// (fixed seed) over the Netherlands, and for hand-made polygons with a hole
// and an open ring and a non-polygon area.
func TestAreaGridMatchesPlainScan(t *testing.T) {
	st := defaultsStore(t)
	gs, err := st.Gemeenten(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	geoms := make([]orb.Geometry, len(gs))
	for i, g := range gs {
		geoms[i] = g.Geometry
	}
	var bd orb.Bound
	for i, g := range geoms {
		if i == 0 {
			bd = g.Bound()
		}
		bd = bd.Union(g.Bound())
	}
	// A square with a square hole, an open ring, and a non-polygon.
	geoms = append(geoms,
		orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}},
		orb.Polygon{{{20, 0}, {30, 0}, {30, 10}}},
		orb.Bound{Min: orb.Point{40, 0}, Max: orb.Point{50, 10}},
	)
	grid := newAreaGrid(geoms)
	bounds := make([]orb.Bound, len(geoms))
	for i, g := range geoms {
		bounds[i] = g.Bound()
	}
	plain := func(p orb.Point) int {
		for i, g := range geoms {
			if bounds[i].Contains(p) && geo.Contains(g, p) {
				return i
			}
		}
		return -1
	}
	rng := rand.New(rand.NewSource(3))
	var pts []orb.Point
	for range 20000 {
		pts = append(pts, orb.Point{bd.Min[0] + rng.Float64()*(bd.Max[0]-bd.Min[0]), bd.Min[1] + rng.Float64()*(bd.Max[1]-bd.Min[1])})
	}
	pts = append(pts, []orb.Point{{5, 5}, {1, 1}, {5, 9.99}, {11, 5}, {25, 2}, {29, 9}, {21, 9}, {45, 5}, {55, 5}}...)
	found := 0
	for _, p := range pts {
		got, want := grid.containing(p), plain(p)
		if got != want {
			t.Errorf("point %v: grid says area %d, plain scan %d", p, got, want)
		}
		if got >= 0 {
			found++
		}
	}
	if found < len(pts)/4 {
		t.Errorf("only %d of %d points in an area: the test does not test much", found, len(pts))
	}
}
