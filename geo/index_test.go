package geo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// randomItems returns n items in a 10 km square around Amersfoort: points,
// small polygons (some with holes), lines, or a mix.
func randomItems(rng *rand.Rand, n int, kind string) []Item[int] {
	items := make([]Item[int], n)
	for i := range items {
		c := orb.Point{150000 + rng.Float64()*10000, 458000 + rng.Float64()*10000}
		k := kind
		if k == "mixed" {
			k = [...]string{"points", "polygons", "lines"}[rng.IntN(3)]
		}
		var g orb.Geometry
		switch k {
		case "points":
			g = c
		case "polygons":
			w, h := 5+rng.Float64()*300, 5+rng.Float64()*300
			shell := orb.Ring{c, {c[0] + w, c[1]}, {c[0] + w, c[1] + h}, {c[0] + w/2, c[1] + h/3}, {c[0], c[1] + h}, c}
			poly := orb.Polygon{shell}
			if rng.IntN(3) == 0 { // a hole in the lower half
				poly = append(poly, orb.Ring{
					{c[0] + w*0.2, c[1] + h*0.05}, {c[0] + w*0.2, c[1] + h*0.25},
					{c[0] + w*0.8, c[1] + h*0.25}, {c[0] + w*0.8, c[1] + h*0.05}, {c[0] + w*0.2, c[1] + h*0.05},
				})
			}
			g = poly
		case "lines":
			ls := orb.LineString{c}
			for range 1 + rng.IntN(4) {
				last := ls[len(ls)-1]
				ls = append(ls, orb.Point{last[0] + rng.NormFloat64()*200, last[1] + rng.NormFloat64()*200})
			}
			g = ls
		}
		items[i] = Item[int]{Geometry: g, Value: i}
	}
	return items
}

func randomQuery(rng *rand.Rand) orb.Point {
	// Partly outside the data square so far queries occur too.
	return orb.Point{148000 + rng.Float64()*14000, 456000 + rng.Float64()*14000}
}

type hit struct {
	v int
	d float64
}

func bruteNearest(items []Item[int], p orb.Point) []hit {
	out := make([]hit, 0, len(items))
	for _, it := range items {
		out = append(out, hit{it.Value, Distance(p, it.Geometry)})
	}
	slices.SortFunc(out, func(a, b hit) int {
		switch {
		case a.d < b.d:
			return -1
		case a.d > b.d:
			return 1
		}
		return a.v - b.v
	})
	return out
}

func TestIndexNearestRandom(t *testing.T) {
	for _, kind := range []string{"points", "polygons", "lines", "mixed"} {
		t.Run(kind, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(42, uint64(len(kind))))
			items := randomItems(rng, 500, kind)
			ix := NewIndex(items)
			if ix.Len() != len(items) {
				t.Fatalf("Len = %d", ix.Len())
			}
			for q := range 200 {
				p := randomQuery(rng)
				want := bruteNearest(items, p)
				k := 1 + rng.IntN(20)
				var got []hit
				ix.Nearest(p, 0, func(it Item[int], d float64) bool {
					got = append(got, hit{it.Value, d})
					return len(got) < k
				})
				if len(got) != k {
					t.Fatalf("query %d: %d results, want %d", q, len(got), k)
				}
				for i, h := range got {
					if i > 0 && h.d < got[i-1].d {
						t.Fatalf("query %d: distances not increasing at %d: %v", q, i, got)
					}
					if math.Abs(h.d-want[i].d) > 1e-9 {
						t.Fatalf("query %d result %d: distance %v, brute force %v", q, i, h.d, want[i].d)
					}
					if exact := Distance(p, items[h.v].Geometry); math.Abs(exact-h.d) > 1e-9 {
						t.Fatalf("query %d: reported %v, exact %v", q, h.d, exact)
					}
				}
				// maxDist cuts off exactly.
				maxDist := 50 + rng.Float64()*300
				n := 0
				ix.Nearest(p, maxDist, func(it Item[int], d float64) bool {
					if d > maxDist {
						t.Fatalf("query %d: distance %v beyond maxDist %v", q, d, maxDist)
					}
					n++
					return true
				})
				wantN := 0
				for _, h := range want {
					if h.d <= maxDist {
						wantN++
					}
				}
				if n != wantN {
					t.Fatalf("query %d: %d within maxDist %v, brute force %d", q, n, maxDist, wantN)
				}
			}
		})
	}
}

func TestIndexWithinContainingIntersecting(t *testing.T) {
	for _, kind := range []string{"points", "polygons", "mixed"} {
		t.Run(kind, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(99, uint64(len(kind))))
			items := randomItems(rng, 400, kind)
			ix := NewIndex(items)
			for q := range 200 {
				p := randomQuery(rng)
				dist := rng.Float64() * 500

				var got, want []int
				ix.Within(p, dist, func(it Item[int], d float64) bool {
					if d > dist || math.Abs(d-Distance(p, it.Geometry)) > 1e-9 {
						t.Fatalf("query %d: Within reported %v for item %d", q, d, it.Value)
					}
					got = append(got, it.Value)
					return true
				})
				for _, it := range items {
					if Distance(p, it.Geometry) <= dist {
						want = append(want, it.Value)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("query %d Within(%v, %v) = %v, want %v", q, p, dist, got, want)
				}

				got, want = got[:0], want[:0]
				ix.Containing(p, func(it Item[int]) bool { got = append(got, it.Value); return true })
				for _, it := range items {
					if Contains(it.Geometry, p) {
						want = append(want, it.Value)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("query %d Containing(%v) = %v, want %v", q, p, got, want)
				}

				b := orb.Bound{Min: p, Max: p}.Extend(randomQuery(rng))
				got, want = got[:0], want[:0]
				ix.Intersecting(b, func(it Item[int]) bool { got = append(got, it.Value); return true })
				for _, it := range items {
					if it.Geometry.Bound().Intersects(b) {
						want = append(want, it.Value)
					}
				}
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("query %d Intersecting(%v): %d items, want %d", q, b, len(got), len(want))
				}
			}
		})
	}
}

func TestIndexContainingKnown(t *testing.T) {
	ix := NewIndex([]Item[string]{
		{testSquare, "square with hole"},
		{testTwoSquares, "two squares"},
		{orb.Point{1, 1}, "point"},
		{orb.LineString{{0, 1}, {2, 1}}, "line"},
	})
	collect := func(p orb.Point) []string {
		var out []string
		ix.Containing(p, func(it Item[string]) bool { out = append(out, it.Value); return true })
		slices.Sort(out)
		return out
	}
	if got := collect(orb.Point{1, 1}); !slices.Equal(got, []string{"square with hole", "two squares"}) {
		t.Errorf("at (1,1): %v", got)
	}
	if got := collect(orb.Point{5, 5}); len(got) != 0 {
		t.Errorf("in the hole: %v", got)
	}
	if got := collect(orb.Point{25, 5}); !slices.Equal(got, []string{"two squares"}) {
		t.Errorf("at (25,5): %v", got)
	}
}

func TestIndexEdgeCases(t *testing.T) {
	empty := NewIndex[int](nil)
	called := false
	empty.Nearest(orb.Point{1, 1}, 0, func(Item[int], float64) bool { called = true; return true })
	empty.Within(orb.Point{1, 1}, 100, func(Item[int], float64) bool { called = true; return true })
	empty.Containing(orb.Point{1, 1}, func(Item[int]) bool { called = true; return true })
	empty.Intersecting(orb.Bound{Max: orb.Point{1, 1}}, func(Item[int]) bool { called = true; return true })
	if called || empty.Len() != 0 || len(empty.Items()) != 0 {
		t.Error("empty index returned something")
	}

	items := []Item[int]{
		{orb.Point{0, 0}, 0},
		{orb.Point{3, 4}, 1},
		{nil, 2},
		{orb.Point{math.NaN(), 1}, 3},
		{orb.Point{6, 8}, 4},
	}
	ix := NewIndex(items)
	items[0].Value = 99 // NewIndex copies the slice
	if ix.Len() != 5 || ix.Items()[0].Value != 0 {
		t.Errorf("Len %d, first %v", ix.Len(), ix.Items()[0])
	}
	var got []hit
	ix.Nearest(orb.Point{0, 0}, 5, func(it Item[int], d float64) bool {
		got = append(got, hit{it.Value, d})
		return true
	})
	if !slices.Equal(got, []hit{{0, 0}, {1, 5}}) {
		t.Errorf("Nearest within 5 = %v", got)
	}
	got = got[:0]
	ix.Nearest(orb.Point{0, 0}, -1, func(it Item[int], d float64) bool {
		got = append(got, hit{it.Value, d})
		return true
	})
	if !slices.Equal(got, []hit{{0, 0}, {1, 5}, {4, 10}}) {
		t.Errorf("Nearest unlimited = %v", got)
	}
	n := 0
	ix.Within(orb.Point{0, 0}, 5, func(Item[int], float64) bool { n++; return false })
	if n != 1 {
		t.Errorf("Within did not stop: %d calls", n)
	}
	ix.Within(orb.Point{0, 0}, -1, func(Item[int], float64) bool { n++; return true })
	if n != 1 {
		t.Error("negative Within distance returned items")
	}
	nearest, dists := ix.NearestN(orb.Point{6, 7}, 2, 0)
	if len(nearest) != 2 || nearest[0].Value != 4 || dists[0] != 1 || nearest[1].Value != 1 {
		t.Errorf("NearestN = %v %v", nearest, dists)
	}
}

func TestIndexConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	ix := NewIndex(randomItems(rng, 2000, "mixed"))
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 1))
			for range 200 {
				p := randomQuery(r)
				prev := -1.0
				ix.Nearest(p, 0, func(_ Item[int], d float64) bool {
					if d < prev {
						t.Error("out of order under concurrency")
					}
					prev = d
					return d < 100
				})
			}
		})
	}
	wg.Wait()
}

func TestSwap(t *testing.T) {
	var s Swap[Index[int]]
	if s.Load() != nil {
		t.Fatal("zero Swap not empty")
	}
	a := NewIndex([]Item[int]{{orb.Point{1, 1}, 1}})
	b := NewIndex([]Item[int]{{orb.Point{1, 1}, 1}, {orb.Point{2, 2}, 2}})
	s.Store(a)
	if s.Load() != a {
		t.Fatal("Load after Store")
	}
	s2 := NewSwap(b)
	if s2.Load().Len() != 2 {
		t.Fatal("NewSwap")
	}
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 1000 {
				if (i+j)%2 == 0 {
					s.Store(b)
				} else if ix := s.Load(); ix.Len() != 1 && ix.Len() != 2 {
					t.Error("torn value")
				}
			}
		})
	}
	wg.Wait()
}

func ExampleIndex_Nearest() {
	ix := NewIndex([]Item[string]{
		{Geometry: orb.Point{155000, 463000}, Value: "OLV-toren"},
		{Geometry: orb.Point{155300, 463400}, Value: "kavel A"},
		{Geometry: orb.Polygon{{{154000, 462000}, {154100, 462000}, {154100, 462100}, {154000, 462100}, {154000, 462000}}}, Value: "gebouw B"},
	})
	ix.Nearest(orb.Point{155000, 463100}, 2000, func(it Item[string], dist float64) bool {
		fmt.Printf("%s %.0f m\n", it.Value, dist)
		return true
	})
	// Output:
	// OLV-toren 100 m
	// kavel A 424 m
	// gebouw B 1345 m
}

// benchIndex builds 60 000 points over the RD box, the size of the
// matching engine's woonplek layer.
func benchIndex(kind string) (*Index[int], []orb.Point) {
	rng := rand.New(rand.NewPCG(60000, 1))
	items := make([]Item[int], 60000)
	for i := range items {
		c := orb.Point{13000 + rng.Float64()*265000, 306000 + rng.Float64()*310000}
		var g orb.Geometry = c
		if kind == "polygons" {
			w, h := 10+rng.Float64()*100, 10+rng.Float64()*100
			g = orb.Polygon{{c, {c[0] + w, c[1]}, {c[0] + w, c[1] + h}, {c[0], c[1] + h}, c}}
		}
		items[i] = Item[int]{Geometry: g, Value: i}
	}
	queries := make([]orb.Point, 4096)
	for i := range queries {
		queries[i] = orb.Point{13000 + rng.Float64()*265000, 306000 + rng.Float64()*310000}
	}
	return NewIndex(items), queries
}

func BenchmarkNewIndex60k(b *testing.B) {
	rng := rand.New(rand.NewPCG(60000, 1))
	items := make([]Item[int], 60000)
	for i := range items {
		items[i] = Item[int]{Geometry: orb.Point{rng.Float64() * 280000, 300000 + rng.Float64()*320000}, Value: i}
	}
	for b.Loop() {
		NewIndex(items)
	}
}

func benchNearest(b *testing.B, kind string, k int) {
	ix, queries := benchIndex(kind)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		n := 0
		ix.Nearest(queries[i&4095], 0, func(Item[int], float64) bool { n++; return n < k })
	}
}

func BenchmarkNearest1Points60k(b *testing.B)    { benchNearest(b, "points", 1) }
func BenchmarkNearest10Points60k(b *testing.B)   { benchNearest(b, "points", 10) }
func BenchmarkNearest1Polygons60k(b *testing.B)  { benchNearest(b, "polygons", 1) }
func BenchmarkNearest10Polygons60k(b *testing.B) { benchNearest(b, "polygons", 10) }

func benchWithin(b *testing.B, kind string, dist float64) {
	ix, queries := benchIndex(kind)
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		ix.Within(queries[i&4095], dist, func(Item[int], float64) bool { return true })
	}
}

func BenchmarkWithin1kmPoints60k(b *testing.B)   { benchWithin(b, "points", 1000) }
func BenchmarkWithin5kmPoints60k(b *testing.B)   { benchWithin(b, "points", 5000) }
func BenchmarkWithin1kmPolygons60k(b *testing.B) { benchWithin(b, "polygons", 1000) }

// TestIndexNearestDeepTree checks a tree of several levels, with many
// duplicate locations, against brute force.
func TestIndexNearestDeepTree(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 14))
	items := randomItems(rng, 6000, "points")
	for i := 0; i < 1000; i++ { // duplicates of earlier points
		items[5000+i].Geometry = items[rng.IntN(5000)].Geometry
	}
	ix := NewIndex(items)
	for q := range 50 {
		p := randomQuery(rng)
		want := bruteNearest(items, p)
		i := 0
		ix.Nearest(p, 0, func(it Item[int], d float64) bool {
			if d != want[i].d {
				t.Fatalf("query %d result %d: %v, want %v", q, i, d, want[i].d)
			}
			i++
			return i < 100
		})
		if i != 100 {
			t.Fatalf("query %d: %d results", q, i)
		}
	}
	// The whole index comes out exactly once without a limit.
	seen := make([]bool, len(items))
	ix.Nearest(orb.Point{0, 0}, 0, func(it Item[int], _ float64) bool {
		if seen[it.Value] {
			t.Fatalf("item %d twice", it.Value)
		}
		seen[it.Value] = true
		return true
	})
	if slices.Contains(seen, false) {
		t.Fatal("not every item returned")
	}
}
