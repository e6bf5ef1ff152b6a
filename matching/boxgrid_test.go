package matching

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// boxScene: random squares, triangles and lines (fixed seed), with some
// coordinates on a coarse lattice so that query points hit boundaries.
func boxScene(seed uint64, n int) []orb.Geometry {
	rng := rand.New(rand.NewPCG(seed, 7))
	geoms := make([]orb.Geometry, n)
	for i := range geoms {
		x, y := math.Round(rng.Float64()*20000/50)*50, math.Round(rng.Float64()*20000/50)*50
		s := 50 + math.Round(rng.Float64()*40)*50
		switch i % 4 {
		case 0, 1:
			geoms[i] = square(x, y, s)
		case 2:
			geoms[i] = orb.Polygon{{{x, y}, {x + s, y}, {x, y + 2*s}, {x, y}}}
		case 3:
			geoms[i] = orb.LineString{{x, y}, {x + s, y + s/2}, {x + 2*s, y - s}}
		}
	}
	geoms[5] = nil // ignored like the index ignores it
	return geoms
}

// TestBoxGridContainingMatchesIndex checks the containment grid against
// geo.Index.Containing (brute force over the R-tree) on random points and
// on lattice points that lie on polygon boundaries.
func TestBoxGridContainingMatchesIndex(t *testing.T) {
	geoms := boxScene(3, 600)
	var ids []int32
	var items []geo.Item[int32]
	for i, g := range geoms {
		ids = append(ids, int32(i))
		if g != nil {
			items = append(items, geo.Item[int32]{Geometry: g, Value: int32(i)})
		}
	}
	ix := geo.NewIndex(items)
	for _, cell := range []float64{0, 137, 5000} {
		g := newBoxGrid(ids, geoms, 0, cell, 0)
		if g == nil {
			t.Fatal("no grid")
		}
		rng := rand.New(rand.NewPCG(9, 9))
		hits := 0
		for q := 0; q < 20000; q++ {
			p := orb.Point{-1000 + rng.Float64()*24000, -1000 + rng.Float64()*24000}
			if q%2 == 0 {
				p = orb.Point{math.Round(p[0]/50) * 50, math.Round(p[1]/50) * 50}
			}
			var want []int32
			ix.Containing(p, func(it geo.Item[int32]) bool { want = append(want, it.Value); return true })
			slices.Sort(want)
			got := g.containing(p, nil)
			if !slices.Equal(got, want) {
				t.Fatalf("cell %v: containing(%v) = %v, index gives %v", cell, p, got, want)
			}
			hits += len(got)
		}
		if hits == 0 {
			t.Fatal("no point was inside a polygon: the test checks nothing")
		}
	}
}

// TestNearestPolygonGridMatchesIndex checks the engine's nearest distance to
// a polygon layer (grid path) against the plain R-tree query for several
// maximum distances, including answers exactly at the maximum.
func TestNearestPolygonGridMatchesIndex(t *testing.T) {
	geoms := boxScene(4, 400)
	var items []geo.Item[int32]
	var ids []int32
	for i, g := range geoms {
		if g != nil {
			items = append(items, geo.Item[int32]{Geometry: g, Value: int32(i)})
			ids = append(ids, int32(i))
		}
	}
	ix := geo.NewIndex(items)
	rng := rand.New(rand.NewPCG(10, 10))
	for _, maxDist := range []float64{100, 1000, 25000} {
		g := newBoxGrid(ids, geoms, maxDist, max(maxDist/2, 50), 0)
		if g == nil {
			t.Fatal("no grid")
		}
		found := 0
		for q := 0; q < 10000; q++ {
			p := orb.Point{-3000 + rng.Float64()*26000, -3000 + rng.Float64()*26000}
			if q%3 == 0 {
				p = orb.Point{math.Round(p[0]/50) * 50, math.Round(p[1]/50) * 50}
			}
			var want float64
			wantOK := false
			ix.Nearest(p, maxDist, func(_ geo.Item[int32], d float64) bool { want, wantOK = d, true; return false })
			d, ok := g.nearest(p)
			ok = ok && d <= maxDist
			if ok != wantOK || (ok && d != want) {
				t.Fatalf("maxDist %v: nearest(%v) = %v %v, index gives %v %v", maxDist, p, d, ok, want, wantOK)
			}
			if ok {
				found++
			}
		}
		if found == 0 {
			t.Fatalf("maxDist %v: no query found a feature", maxDist)
		}
	}
}

// TestRadixByKeyMatchesSort checks the Hilbert radix sort against a
// comparison sort by (key, input index), with many equal keys.
func TestRadixByKeyMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{0, 1, 2, 1000, 30000} {
		in := make([]ordered, n)
		for i := range in {
			k := rng.Uint64() & (1<<32 - 1)
			if i%3 == 0 {
				k = uint64(rng.IntN(50)) << 20
			}
			in[i] = ordered{key: k, idx: int32(i)}
		}
		want := slices.Clone(in)
		slices.SortFunc(want, func(a, b ordered) int {
			if a.key != b.key {
				if a.key < b.key {
					return -1
				}
				return 1
			}
			return int(a.idx - b.idx)
		})
		if got := radixByKey(in, nil); !slices.Equal(got, want) {
			t.Fatalf("n=%d: radix order differs from sort", n)
		}
	}
}
