package matching

import (
	"context"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// sameEntries fails unless the compact sets carry exactly the numbers of
// Engine.Score's results (the reference path: one Hilbert-ordered pass
// with the explanation).
func sameEntries(t *testing.T, label string, sets []*CompactSet, full []*ScoreSet) {
	t.Helper()
	if len(sets) != len(full) {
		t.Fatalf("%s: %d compact sets, %d full", label, len(sets), len(full))
	}
	for k, s := range sets {
		f := full[k]
		if len(s.Entries) != len(f.Results) {
			t.Fatalf("%s %s: %d entries, %d results", label, s.Name, len(s.Entries), len(f.Results))
		}
		for j := range s.Entries {
			en, r := &s.Entries[j], &f.Results[j]
			if s.SiteID(j) != r.SiteID || math.Float64bits(en.Score) != math.Float64bits(r.Score) ||
				en.Eligible != r.Eligible || int(en.Knockouts) != len(r.Knockouts) || int(en.Rank) != r.RankInRegion ||
				int(en.CapacityUnits) != r.CapacityUnits || int(en.CapacityPeople) != r.CapacityPeople {
				t.Fatalf("%s %s entry %d: compact %+v, full %+v", label, s.Name, j, *en, *r)
			}
		}
	}
}

// TestCompactPassesProfileKinds scores with the embedded profiles' own
// site kinds (transformatie applies to gebouwen only), so that the profile
// mask of the spatial pass skips profiles per site, and checks the compact
// three-pass path against Score.
func TestCompactPassesProfileKinds(t *testing.T) {
	sites, fs, _, opts := compactScene(t)
	var profiles []*Profile
	for _, name := range DefaultProfileNames() {
		p, err := DefaultProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		profiles = append(profiles, p)
	}
	ctx := context.Background()
	e := NewEngine(fs, opts)
	full, err := e.Score(ctx, sites, profiles...)
	if err != nil {
		t.Fatal(err)
	}
	sets, err := e.ScoreCompact(ctx, sites, profiles...)
	if err != nil {
		t.Fatal(err)
	}
	sameEntries(t, "own kinds", sets, full)
	if len(sets[0].Entries) == len(sets[1].Entries) && len(sets[1].Entries) == len(sites) {
		t.Fatal("every profile applies to every site: the mask is not exercised")
	}
}

// TestCompactScratchReuse scores on one engine a large input, then a
// smaller one, then several inputs concurrently: the pooled scratch
// buffers must not leak values from one call into another.
func TestCompactScratchReuse(t *testing.T) {
	sites, fs, profiles, opts := compactScene(t)
	ctx := context.Background()
	e := NewEngine(fs, opts)
	inputs := [][]int{{0, len(sites)}, {100, 900}, {0, 1200}, {700, len(sites)}, {0, len(sites)}}
	want := make([][]*ScoreSet, len(inputs))
	for n, in := range inputs {
		var err error
		if want[n], err = e.Score(ctx, sites[in[0]:in[1]], profiles...); err != nil {
			t.Fatal(err)
		}
	}
	for n, in := range inputs[:2] {
		sets, err := e.ScoreCompact(ctx, sites[in[0]:in[1]], profiles...)
		if err != nil {
			t.Fatal(err)
		}
		sameEntries(t, "sequential", sets, want[n])
	}
	var wg sync.WaitGroup
	got := make([][]*CompactSet, len(inputs))
	errs := make([]error, len(inputs))
	for n, in := range inputs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[n], errs[n] = e.ScoreCompact(ctx, sites[in[0]:in[1]], profiles...)
		}()
	}
	wg.Wait()
	for n := range inputs {
		if errs[n] != nil {
			t.Fatal(errs[n])
		}
		sameEntries(t, "concurrent", got[n], want[n])
	}
}

// refHullMinWidth is hullMinWidth as first written (every distance
// divided by the edge length), the reference for the hoisted division.
func refHullMinWidth(h []orb.Point) float64 {
	if len(h) < 3 {
		return 0
	}
	best := math.Inf(1)
	for i := range h {
		a, b := h[i], h[(i+1)%len(h)]
		dx, dy := b[0]-a[0], b[1]-a[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		var far float64
		for _, p := range h {
			far = math.Max(far, math.Abs((p[0]-a[0])*dy-(p[1]-a[1])*dx)/l)
		}
		best = math.Min(best, far)
	}
	if math.IsInf(best, 1) {
		return 0
	}
	return best
}

// TestHullMinWidthExact compares hullMinWidth bit for bit with the
// reference on random footprints in RD coordinates (fixed seed).
func TestHullMinWidthExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for n := 0; n < 20000; n++ {
		cx, cy := 13000+rng.Float64()*265000, 306000+rng.Float64()*310000
		k := 3 + rng.IntN(8)
		pts := make([]orb.Point, k, 3*k)
		for i := range pts {
			pts[i] = orb.Point{cx + rng.NormFloat64()*(1+rng.Float64()*40), cy + rng.NormFloat64()*(1+rng.Float64()*40)}
		}
		h := convexHullInPlace(pts)
		got, want := hullMinWidth(h), refHullMinWidth(h)
		if math.Float64bits(got) != math.Float64bits(want) {
			t.Fatalf("hull %v: hullMinWidth %v, reference %v", h, got, want)
		}
	}
}

// TestGridCandidatesMatchRing compares the per-cell candidate lists of the
// point grid with the ring search (exact distance bits, id and position)
// on clustered points with rounded coordinates (ties and duplicates),
// queries inside and outside the grid, at several cell sizes.
func TestGridCandidatesMatchRing(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, perCell := range []float64{0.5, 1, 4} {
		var pts []orb.Point
		var ids []int32
		centres := []orb.Point{{1000, 1000}, {7000, 2000}, {4000, 9000}}
		for i := 0; i < 3000; i++ {
			var p orb.Point
			if i%10 < 7 {
				c := centres[i%3]
				p = orb.Point{c[0] + rng.NormFloat64()*300, c[1] + rng.NormFloat64()*300}
			} else {
				p = orb.Point{rng.Float64() * 10000, rng.Float64() * 10000}
			}
			pts = append(pts, orb.Point{math.Round(p[0]), math.Round(p[1])})
			ids = append(ids, int32((i*7919)%3000)) // ids not in input order
		}
		g := newPointGrid(pts, ids, perCell)
		withLists := 0
		for c := 0; c+1 < len(g.candStart); c++ {
			if g.candStart[c+1] > g.candStart[c] {
				withLists++
			}
		}
		if withLists == 0 {
			t.Fatalf("perCell %v: no cell has a candidate list", perCell)
		}
		for i := 0; i < 20000; i++ {
			q := orb.Point{-1000 + math.Round(rng.Float64()*12000), -1000 + math.Round(rng.Float64()*12000)}
			if i%3 == 0 {
				c := centres[i%3]
				q = orb.Point{math.Round(c[0] + rng.NormFloat64()*400), math.Round(c[1] + rng.NormFloat64()*400)}
			}
			maxD := math.Inf(1)
			if i%2 == 0 {
				maxD = rng.Float64() * 2000
			}
			d0, j0, ok0 := g.nearestPos(q, maxD, -1)
			cx, cy := g.cellXY(q)
			d1, j1, ok1 := g.ringNearest(q, cx, cy, maxD, -1)
			if math.Float64bits(d0) != math.Float64bits(d1) || j0 != j1 || ok0 != ok1 {
				t.Fatalf("perCell %v: nearestPos(%v, %v) = %v %d %v; ring search %v %d %v", perCell, q, maxD, d0, j0, ok0, d1, j1, ok1)
			}
		}
	}
}
