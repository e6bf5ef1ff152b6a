package geo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// randomBounds returns n boxes in an RD-like square, every tenth of them a
// point and every 97th missing.
func randomBounds(r *rand.Rand, n int) []orb.Bound {
	out := make([]orb.Bound, n)
	for i := range out {
		x, y := r.Float64()*100000, r.Float64()*100000
		w, h := r.Float64()*500, r.Float64()*500
		if i%10 == 0 {
			w, h = 0, 0
		}
		out[i] = orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
	}
	return out
}

func TestBoxIndexMatchesScan(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for _, n := range []int{0, 1, 15, 16, 17, 300, 5000} {
		bounds := randomBounds(r, n)
		ok := func(i int) (orb.Bound, bool) { return bounds[i], i%97 != 5 }
		bx := NewBoxIndex(n, ok)
		for q := 0; q < 200; q++ {
			x, y := r.Float64()*110000-5000, r.Float64()*110000-5000
			s := r.Float64() * 20000
			box := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + s, y + s*r.Float64()}}
			if q%20 == 0 && n > 0 { // a query box that only touches an item
				b := bounds[r.IntN(n)]
				box = orb.Bound{Min: b.Max, Max: orb.Point{b.Max[0] + 10, b.Max[1] + 10}}
			}
			var want []int
			for i, b := range bounds {
				if _, has := ok(i); has && b.Intersects(box) {
					want = append(want, i)
				}
			}
			var got []int
			bx.Search(box, func(i int) bool { got = append(got, i); return true })
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("n=%d query %d %v: got %d items, want %d", n, q, box, len(got), len(want))
			}
			if c := bx.Count(box); c != len(want) {
				t.Fatalf("n=%d: Count %d, want %d", n, c, len(want))
			}
		}
	}
}

func TestBoxIndexStops(t *testing.T) {
	bounds := randomBounds(rand.New(rand.NewPCG(1, 2)), 1000)
	bx := NewBoxIndex(len(bounds), func(i int) (orb.Bound, bool) { return bounds[i], true })
	calls := 0
	bx.Search(orb.Bound{Max: orb.Point{1e6, 1e6}}, func(int) bool { calls++; return calls < 3 })
	if calls != 3 {
		t.Fatalf("Search went on after fn returned false: %d calls", calls)
	}
}

func ExampleBoxIndex() {
	sites := []orb.Point{{155000, 463000}, {121000, 487000}, {92000, 437000}}
	bx := NewBoxIndex(len(sites), func(i int) (orb.Bound, bool) { return sites[i].Bound(), true })
	utrecht := orb.Bound{Min: orb.Point{150000, 450000}, Max: orb.Point{160000, 470000}}
	bx.Search(utrecht, func(i int) bool { fmt.Println("site", i); return true })
	// Output: site 0
}

func BenchmarkBoxIndex(b *testing.B) {
	r := rand.New(rand.NewPCG(3, 4))
	bounds := randomBounds(r, 1_000_000)
	fn := func(i int) (orb.Bound, bool) { return bounds[i], true }
	b.Run("build-1M", func(b *testing.B) {
		for b.Loop() {
			NewBoxIndex(len(bounds), fn)
		}
	})
	bx := NewBoxIndex(len(bounds), fn)
	box := orb.Bound{Min: orb.Point{50000, 50000}, Max: orb.Point{55000, 55000}}
	b.Run("search-5km", func(b *testing.B) {
		for b.Loop() {
			bx.Count(box)
		}
	})
	b.Run("scan-5km", func(b *testing.B) {
		for b.Loop() {
			n := 0
			for _, bd := range bounds {
				if bd.Intersects(box) {
					n++
				}
			}
			_ = n
		}
	})
}
