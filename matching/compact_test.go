package matching

import (
	"cmp"
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// compactScene is randomScene with knock-out triggers and sites without
// geometry mixed in, scored by every embedded profile on both site kinds.
func compactScene(t *testing.T) ([]store.Site, []store.Feature, []*Profile, Options) {
	t.Helper()
	sites, fs := randomScene(11, 2500, 2000, 1000, 300)
	ref := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range sites {
		if i%7 == 0 {
			u := ref.AddDate(i%15, 0, 0)
			sites[i].AvailableUntil = &u
		}
		if i%11 == 0 {
			sites[i].Monument = "Rijksmonument"
		}
		if i%13 == 0 {
			sites[i].Status = "Verkocht"
		}
		if i%17 == 0 {
			sites[i].Geometry = nil
		}
		if i%19 == 0 {
			sites[i].Centrumgemeente, sites[i].Gemeente = "", "GM0001"
		}
	}
	var profiles []*Profile
	for _, name := range DefaultProfileNames() {
		p, err := DefaultProfile(name)
		if err != nil {
			t.Fatal(err)
		}
		p.SiteKinds = []store.SiteKind{store.Kavel, store.Gebouw}
		profiles = append(profiles, p)
	}
	opts := Options{ReferenceDate: ref, Workers: 2, Regions: []store.RegionMember{{Gemeente: "GM0001", Centrumgemeente: "GM0010"}}}
	return sites, fs, profiles, opts
}

// TestCompactMatchesFull checks that ScoreCompact's entries carry the same
// numbers as Score's explained results, that Explain rebuilds exactly
// Score's results, that the contributions of the explanation sum to the
// compact score, and that Full equals Score.
func TestCompactMatchesFull(t *testing.T) {
	sites, fs, profiles, opts := compactScene(t)
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
	if len(sets) != len(full) {
		t.Fatalf("%d compact sets, %d full", len(sets), len(full))
	}
	for k, s := range sets {
		f := full[k]
		if len(s.Entries) != len(f.Results) {
			t.Fatalf("%s: %d entries, %d results", s.Name, len(s.Entries), len(f.Results))
		}
		ineligible, ranked := 0, 0
		for j := range s.Entries {
			en, r := &s.Entries[j], &f.Results[j]
			if s.SiteID(j) != r.SiteID || s.Region(j) != r.Centrumgemeente || en.Score != r.Score ||
				en.Eligible != r.Eligible || int(en.Knockouts) != len(r.Knockouts) || int(en.Rank) != r.RankInRegion ||
				int(en.CapacityUnits) != r.CapacityUnits || int(en.CapacityPeople) != r.CapacityPeople {
				t.Fatalf("%s entry %d: compact %+v (%s, %s), full %+v", s.Name, j, *en, s.SiteID(j), s.Region(j), *r)
			}
			if !en.Eligible {
				ineligible++
			}
			if en.Rank > 0 {
				ranked++
			}
		}
		if ineligible == 0 || ranked == 0 {
			t.Fatalf("%s: scene does not exercise knock-outs (%d) and ranks (%d)", s.Name, ineligible, ranked)
		}
		// Explain a sample (every 37th entry) and the top 5 per region.
		var idx []int
		for j := 0; j < len(s.Entries); j += 37 {
			idx = append(idx, j)
		}
		idx = append(idx, s.Top(5)...)
		for n, r := range s.Explain(idx) {
			want, _ := json.Marshal(f.Results[idx[n]])
			got, _ := json.Marshal(r)
			if string(got) != string(want) {
				t.Fatalf("%s: Explain(%d) =\n%s\nScore gives\n%s", s.Name, idx[n], got, want)
			}
			var sum float64
			for _, c := range r.Criteria {
				sum += c.Contribution
			}
			if math.Abs(sum-s.Entries[idx[n]].Score) > 1e-9 {
				t.Fatalf("%s %s: contributions sum to %v, compact score %v", s.Name, r.SiteID, sum, s.Entries[idx[n]].Score)
			}
		}
		all, err := s.Full(ctx)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := json.Marshal(all)
		b, _ := json.Marshal(f)
		if string(a) != string(b) {
			t.Fatalf("%s: Full differs from Score", s.Name)
		}
	}
}

// TestTopOrder checks Top: regions by code, ranks ascending, at most n each.
func TestTopOrder(t *testing.T) {
	sites, fs, profiles, opts := compactScene(t)
	sets, err := NewEngine(fs, opts).ScoreCompact(context.Background(), sites, profiles[0])
	if err != nil {
		t.Fatal(err)
	}
	s := sets[0]
	top := s.Top(3)
	if len(top) == 0 {
		t.Fatal("no top entries")
	}
	for n, i := range top {
		if r := s.Entries[i].Rank; r < 1 || r > 3 {
			t.Fatalf("entry %d has rank %d", i, r)
		}
		if n > 0 {
			a, b := s.Region(top[n-1]), s.Region(i)
			if a > b || (a == b && s.Entries[top[n-1]].Rank+1 != s.Entries[i].Rank) {
				t.Fatalf("Top out of order at %d: %s#%d then %s#%d", n, a, s.Entries[top[n-1]].Rank, b, s.Entries[i].Rank)
			}
		}
	}
	if i := s.Index(s.SiteID(top[0])); i != top[0] {
		t.Errorf("Index(%s) = %d, want %d", s.SiteID(top[0]), i, top[0])
	}
	if s.Index("no such site") != -1 {
		t.Error("Index of an unknown id is not -1")
	}
}

// TestGridHintSameAnswer checks that the locality hint of the grid's
// nearest search never changes the answer (distance and id).
func TestGridHintSameAnswer(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	var pts []orb.Point
	var ids []int32
	for i := 0; i < 800; i++ {
		pts = append(pts, orb.Point{math.Round(rng.Float64() * 5000), math.Round(rng.Float64() * 5000)})
		ids = append(ids, int32(i))
	}
	g := newPointGrid(pts, ids, 1)
	for i := 0; i < 5000; i++ {
		q := orb.Point{-2000 + math.Round(rng.Float64()*9000), -2000 + math.Round(rng.Float64()*9000)}
		maxD := rng.Float64() * 4000
		d0, id0, ok0 := g.nearest(q, maxD)
		hint := int32(rng.IntN(len(pts)+1)) - 1
		d1, id1, ok1 := g.nearestHint(q, maxD, hint)
		if d0 != d1 || id0 != id1 || ok0 != ok1 {
			t.Fatalf("nearest(%v, %v) = %v %d %v; with hint %d: %v %d %v", q, maxD, d0, id0, ok0, hint, d1, id1, ok1)
		}
	}
}

// TestRankTiesInputOrder checks that rank_in_region does not depend on the
// input order: ids ascending (ties broken by input index) and descending
// (ties broken by comparing ids) give every site the same rank, and the
// scene has ties to break.
func TestRankTiesInputOrder(t *testing.T) {
	sites, fs, profiles, opts := compactScene(t)
	slices.SortFunc(sites, func(a, b store.Site) int { return strings.Compare(a.ID, b.ID) })
	desc := slices.Clone(sites)
	slices.Reverse(desc)
	e := NewEngine(fs, opts)
	ranks := func(in []store.Site) map[string]int32 {
		sets, err := e.ScoreCompact(context.Background(), in, profiles...)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]int32{}
		for _, s := range sets {
			for j := range s.Entries {
				m[s.Name+"/"+s.SiteID(j)] = s.Entries[j].Rank
			}
		}
		return m
	}
	a, b := ranks(sites), ranks(desc)
	// Both equal the reference RankInRegion over the explained results.
	sets, err := e.ScoreCompact(context.Background(), desc, profiles...)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		full, err := s.Full(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		RankInRegion(full.Results)
		for _, r := range full.Results {
			if want := a[s.Name+"/"+r.SiteID]; int32(r.RankInRegion) != want {
				t.Fatalf("%s %s: RankInRegion %d, compact rank %d", s.Name, r.SiteID, r.RankInRegion, want)
			}
		}
	}
	if len(a) != len(b) {
		t.Fatalf("%d vs %d entries", len(a), len(b))
	}
	for k, r := range a {
		if b[k] != r {
			t.Fatalf("%s: rank %d with ids ascending, %d descending", k, r, b[k])
		}
	}
	// Ties: two ranked entries of one region with the same score.
	sets, _ = e.ScoreCompact(context.Background(), sites, profiles...)
	ties := 0
	for _, s := range sets {
		seen := map[[2]float64]bool{}
		for _, en := range s.Entries {
			if en.Rank > 0 {
				k := [2]float64{float64(en.Region), en.Score}
				if seen[k] {
					ties++
				}
				seen[k] = true
			}
		}
	}
	if ties == 0 {
		t.Fatal("no tied scores: the test does not exercise tie-breaking")
	}
}

// TestNewSetsChunks checks the parallel, chunked numbering of entries in
// newSets against one sequential pass, over more sites than one chunk and
// with profiles that apply to one kind each (fixed seed).
func TestNewSetsChunks(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sites := make([]store.Site, 150_000)
	for i := range sites {
		sites[i].ID = "s" + strconvI(int64(i))
		sites[i].Kind = store.Kavel
		if rng.IntN(3) == 0 {
			sites[i].Kind = store.Gebouw
		}
		sites[i].Centrumgemeente = []string{"GM0001", "GM0002", ""}[rng.IntN(3)]
	}
	profiles, err := DefaultProfiles()
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewEngine(nil, Options{Workers: 2}).newRun(sites, profiles)
	if err != nil {
		t.Fatal(err)
	}
	sets, pos := r.newSets()
	K := len(profiles)
	for k, p := range profiles {
		n := 0
		for i := range sites {
			want := int32(-1)
			if p.appliesTo(sites[i].Kind) {
				want = int32(n)
				n++
			}
			if pos[i*K+k] != want {
				t.Fatalf("%s: pos of site %d = %d, want %d", p.Name, i, pos[i*K+k], want)
			}
			if want >= 0 {
				if en := sets[k].Entries[want]; en.Site != int32(i) || sets[k].Regions[en.Region] != sites[i].Centrumgemeente {
					t.Fatalf("%s: entry %d = %+v, want site %d in %q", p.Name, want, en, i, sites[i].Centrumgemeente)
				}
			}
		}
		if n != len(sets[k].Entries) || n == 0 || n == len(sites) {
			t.Fatalf("%s: %d entries, want %d (and some sites excluded)", p.Name, len(sets[k].Entries), n)
		}
	}
}

// TestRadixRankKeys checks the rank radix sort against a stable comparison
// sort by score descending, with ties, zeros (also -0) and, as a refusal,
// a negative score (fixed seed).
func TestRadixRankKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for _, n := range []int{0, 1, 2, 500, 20000} {
		ks := make([]rankKey, n)
		for i := range ks {
			sc := math.Round(rng.Float64()*100*4) / 4
			switch i % 5 {
			case 0:
				sc = rng.Float64() * 100
			case 1:
				sc = 0
			case 2:
				if i%10 == 2 {
					sc = math.Copysign(0, -1)
				}
			}
			ks[i] = rankKey{score: sc, site: int32(i), ent: int32(i)}
		}
		want := slices.Clone(ks)
		slices.SortStableFunc(want, func(a, b rankKey) int { return cmp.Compare(b.score, a.score) })
		got := slices.Clone(ks)
		if !radixRankKeys(got, make([]rankKey, n)) {
			t.Fatalf("n=%d: refused non-negative scores", n)
		}
		for i := range got {
			if got[i].site != want[i].site {
				t.Fatalf("n=%d: position %d holds site %d (score %v), want %d (score %v)", n, i, got[i].site, got[i].score, want[i].site, want[i].score)
			}
		}
	}
	neg := []rankKey{{score: 3}, {score: -1}}
	if radixRankKeys(neg, make([]rankKey, 2)) {
		t.Fatal("accepted a negative score")
	}
}
