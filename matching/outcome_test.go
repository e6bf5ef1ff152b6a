package matching

import (
	"context"
	"math/rand/v2"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

// compactAndFull scores compactScene both ways.
func compactAndFull(t *testing.T) ([]store.Site, []*CompactSet, []*ScoreSet) {
	t.Helper()
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
	return sites, sets, full
}

// randomDemand gives a random target (seeded) to most regions of the sets,
// leaves some without figures and one with a need but no target.
func randomDemand(sets []*CompactSet, seed uint64) DemandTable {
	rng := rand.New(rand.NewPCG(seed, seed))
	d := DemandTable{}
	for _, code := range sets[0].Regions[1:] {
		switch rng.IntN(5) {
		case 0: // no figures
		case 1:
			need := rng.IntN(100)
			d[code] = Demand{Centrumgemeente: code, Registered: &need}
		default:
			target := rng.IntN(400)
			d[code] = Demand{Centrumgemeente: code, Target: &target, Registered: &target}
		}
	}
	return d
}

func TestSummarizeCompactEqualsSummarize(t *testing.T) {
	_, sets, full := compactAndFull(t)
	members := []store.RegionMember{{Gemeente: "GM0001", Centrumgemeente: "GM0010", CentrumgemeenteNaam: "Tien"}, {Gemeente: "GM9999", Centrumgemeente: "GM9999"}}
	for seed := uint64(1); seed <= 3; seed++ {
		demand := randomDemand(sets, seed)
		want := Summarize(full, members, demand)
		got := SummarizeCompact(sets, members, demand)
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: SummarizeCompact differs from Summarize\n got %+v\nwant %+v", seed, got, want)
		}
		portfolios := 0
		for _, r := range got {
			if r.Portfolio != nil && len(r.Portfolio.Selected) > 0 {
				portfolios++
			}
		}
		if portfolios < 5 {
			t.Errorf("seed %d: only %d regions with a portfolio: the test compares too little", seed, portfolios)
		}
	}
	// Sets of different runs (the site key is then id and region).
	one := SummarizeCompact(sets[:1], members, randomDemand(sets, 1))
	if want := Summarize(full[:1], members, randomDemand(sets, 1)); !reflect.DeepEqual(one, want) {
		t.Error("one set: SummarizeCompact differs from Summarize")
	}
	mixed := []*CompactSet{sets[0], rescored(t, sets[1])}
	if got, want := SummarizeCompact(mixed, members, randomDemand(sets, 2)), Summarize(full[:2], members, randomDemand(sets, 2)); !reflect.DeepEqual(got, want) {
		t.Error("sets of two runs: SummarizeCompact differs from Summarize")
	}
}

// rescored scores set's profile again in a run of its own.
func rescored(t *testing.T, set *CompactSet) *CompactSet {
	t.Helper()
	out, err := set.r.e.ScoreCompact(context.Background(), set.r.sites, set.Profile)
	if err != nil {
		t.Fatal(err)
	}
	return out[0]
}

func TestSensitivityCompactEqualsSensitivity(t *testing.T) {
	_, sets, full := compactAndFull(t)
	for k, set := range sets {
		for _, opt := range []SensitivityOptions{
			{TopN: 3, Iterations: 40, Seed: 5},
			{TopN: 10, Iterations: 25, Seed: 1, Spread: 0.3},
			{TopN: 2, Iterations: 30, Region: set.Regions[1]},
			{TopN: 2, Region: "GM9999"},
		} {
			want := Sensitivity(full[k], opt)
			got := SensitivityCompact(set, opt)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %+v: SensitivityCompact differs\n got %+v\nwant %+v", set.Name, opt, got, want)
			}
			if opt.Region == "" && len(got) < 20 {
				t.Errorf("%s: %d sites analysed: the test compares too little", set.Name, len(got))
			}
		}
	}
}

// TestSensitivityHeapEqualsSort checks the bounded-heap top N against the
// full sort it replaces, on random scores with many ties.
func TestSensitivityHeapEqualsSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	p := &Profile{Criteria: []Criterion{{Name: "a", Weight: 1}, {Name: "b", Weight: 2}}}
	for trial := 0; trial < 200; trial++ {
		m := 1 + rng.IntN(30)
		rs := make([]sensItem, m)
		for i := range rs {
			rs[i] = sensItem{id: string(rune('a'+rng.IntN(26))) + strconvI(int64(i)), rank: i + 1,
				norm: []float64{float64(rng.IntN(4) * 25), float64(rng.IntN(3) * 50)}}
		}
		topN := 1 + rng.IntN(12)
		sa := newSensitivity(p, SensitivityOptions{TopN: topN, Iterations: 3, Seed: uint64(trial + 1)})
		sa.region("R", rs)
		// The plain version: sort every site by (rescore desc, id asc) and
		// count how often each of the first n is among the first n.
		ref := newSensitivity(p, SensitivityOptions{TopN: topN, Iterations: 3, Seed: uint64(trial + 1)})
		n := min(topN, m)
		stay := make([]int, n)
		w := make([]float64, 2)
		for it := 0; it < 3; it++ {
			for i, b := range ref.base {
				w[i] = b * (1 + ref.opt.Spread*(2*ref.rng.Float64()-1))
			}
			idx := make([]int, m)
			for i := range idx {
				idx[i] = i
			}
			sc := func(i int) float64 { return rescore(rs[i].norm, w) }
			for a := 1; a < m; a++ { // insertion sort
				for b := a; b > 0; b-- {
					x, y := idx[b-1], idx[b]
					if sc(x) > sc(y) || (sc(x) == sc(y) && rs[x].id < rs[y].id) {
						break
					}
					idx[b-1], idx[b] = y, x
				}
			}
			for _, i := range idx[:n] {
				if i < n {
					stay[i]++
				}
			}
		}
		for i := 0; i < n; i++ {
			if got := sa.out[i].StayRate; got != float64(stay[i])/3 {
				t.Fatalf("trial %d site %d: stay rate %v, want %v", trial, i, got, float64(stay[i])/3)
			}
		}
	}
}

// reasonPrefix is how every knock-out text of k begins (see zoneReason
// and metricKO).
func reasonPrefix(k *Knockout) string {
	switch {
	case k.Reason != "":
		return k.Reason + ": "
	case k.Zone != "":
		return "inside " + k.Zone + ": "
	default:
		return k.Name + ": "
	}
}

// TestKnockoutCodesEqualExplainedKnockouts checks the compact knock-out
// mask against the texts Score and Explain report.
func TestKnockoutCodesEqualExplainedKnockouts(t *testing.T) {
	_, sets, full := compactAndFull(t)
	for k, set := range sets {
		fired := map[string]int{}
		for j := range set.Entries {
			r := &full[k].Results[j]
			var want []string
			for i := range set.Profile.Knockouts {
				ko := &set.Profile.Knockouts[i]
				for _, text := range r.Knockouts {
					if strings.HasPrefix(text, reasonPrefix(ko)) {
						want = append(want, ko.Name)
						fired[ko.Name]++
						break
					}
				}
			}
			if got := set.KnockoutCodes(j); got != strings.Join(want, ",") {
				t.Fatalf("%s %s: knock-out codes %q, explained knock-outs %q", set.Name, r.SiteID, got, r.Knockouts)
			}
			if set.Entries[j].Eligible != (set.Entries[j].KnockoutMask == 0) {
				t.Fatalf("%s %s: eligible %v with mask %b", set.Name, r.SiteID, set.Entries[j].Eligible, set.Entries[j].KnockoutMask)
			}
		}
		// Every knock-out of the profile whose layer is loaded fires somewhere.
		if len(fired) < 2 {
			t.Errorf("%s: knock-outs fired %v: the test compares too little", set.Name, fired)
		}
	}
}

func TestPackKO(t *testing.T) {
	for _, tc := range []struct {
		n, wantN int
		mask     uint64
	}{{0, 0, 0}, {1, 1, 1}, {3, 3, 1<<47 | 5}, {70000, 65535, 1<<48 - 1}, {65535, 65535, 1 << 12}} {
		n, mask := unpackKO(packKO(tc.n, tc.mask))
		if n != tc.wantN || mask != tc.mask {
			t.Errorf("packKO(%d, %b): unpacked %d, %b", tc.n, tc.mask, n, mask)
		}
		// Through memory as the passes move it.
		rec := []float64{packKO(tc.n, tc.mask)}
		cp := make([]float64, 1)
		copy(cp, rec)
		if n2, m2 := unpackKO(cp[0]); n2 != n || m2 != mask {
			t.Errorf("packKO(%d, %b) lost bits in a copy", tc.n, tc.mask)
		}
	}
}

func TestEntryOfSiteAndResult(t *testing.T) {
	sites, sets, full := compactAndFull(t)
	for k, set := range sets {
		for i := range sites {
			j := set.EntryOfSite(i)
			if j < 0 {
				if set.Index(sites[i].ID) != -1 {
					t.Fatalf("%s: site %d has an entry but EntryOfSite says -1", set.Name, i)
				}
				continue
			}
			if int(set.Entries[j].Site) != i {
				t.Fatalf("%s: EntryOfSite(%d) = %d, whose site is %d", set.Name, i, j, set.Entries[j].Site)
			}
		}
		if set.EntryOfSite(-1) != -1 || set.EntryOfSite(len(sites)) != -1 {
			t.Error("EntryOfSite out of range")
		}
		for _, j := range []int{0, len(set.Entries) / 2, len(set.Entries) - 1} {
			if got := set.Result(j); !reflect.DeepEqual(got, full[k].Results[j]) {
				t.Errorf("%s: Result(%d) = %+v, Score gave %+v", set.Name, j, got, full[k].Results[j])
			}
		}
	}
	// A profile of one kind: sites of the other kind have no entry.
	p, err := DefaultProfile("transformatie")
	if err != nil {
		t.Fatal(err)
	}
	one, err := sets[0].r.e.ScoreCompact(context.Background(), sites, p)
	if err != nil {
		t.Fatal(err)
	}
	for i := range sites {
		if (one[0].EntryOfSite(i) >= 0) != (sites[i].Kind == store.Gebouw) {
			t.Fatalf("site %d (%s): EntryOfSite %d", i, sites[i].Kind, one[0].EntryOfSite(i))
		}
	}
}

func TestProfileHash(t *testing.T) {
	a, err := DefaultProfile("flexwonen")
	if err != nil {
		t.Fatal(err)
	}
	b, err := DefaultProfile("flexwonen")
	if err != nil {
		t.Fatal(err)
	}
	h := a.Hash()
	if len(h) != 16 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("hash %q: want 16 hex digits", h)
	}
	if b.Hash() != h {
		t.Error("two loads of the same profile hash differently")
	}
	b.Criteria[0].Weight++
	if b.Hash() == h {
		t.Error("a changed weight leaves the hash unchanged")
	}
	tr, err := DefaultProfile("transformatie")
	if err != nil {
		t.Fatal(err)
	}
	if tr.Hash() == h {
		t.Error("flexwonen and transformatie hash equally")
	}
}

// TestPortfolioHeapEqualsSortedGreedy checks the heap-driven greedy pass
// against the plain one (sort everything, walk it) on random candidates
// with many ties and sites offered for two uses.
func TestPortfolioHeapEqualsSortedGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	for trial := 0; trial < 300; trial++ {
		var cands []pfCand
		nsites := 1 + rng.IntN(40)
		for site := 0; site < nsites; site++ {
			for _, use := range []Use{Flex, Transformatie} {
				if rng.IntN(3) == 0 {
					continue
				}
				people := 1 + rng.IntN(4)*10
				cands = append(cands, pfCand{score: float64(rng.IntN(5) * 20), units: people, people: people,
					key: int32(site), id: "s" + strconvI(int64(site)), use: use})
			}
		}
		target := rng.IntN(300)
		// The reference: a full sort, then the same greedy walk and prune.
		ref := append([]pfCand(nil), cands...)
		sort.Slice(ref, func(i, j int) bool { return pfBetter(&ref[i], &ref[j]) })
		used := map[int32]bool{}
		var sel []pfCand
		cap := 0
		for _, o := range ref {
			if cap >= target {
				break
			}
			if !used[o.key] {
				used[o.key] = true
				sel = append(sel, o)
				cap += o.people
			}
		}
		for i := len(sel) - 1; i >= 0; i-- {
			if cap-sel[i].people >= target {
				cap -= sel[i].people
				sel = append(sel[:i], sel[i+1:]...)
			}
		}
		pf := selectPortfolio(target, cands, make([]bool, nsites))
		if len(pf.Selected) != len(sel) || pf.CapacityPeople != cap {
			t.Fatalf("trial %d: %d picks, %d people; reference %d picks, %d people", trial, len(pf.Selected), pf.CapacityPeople, len(sel), cap)
		}
		for i, p := range pf.Selected {
			if p.SiteID != sel[i].id || p.Use != sel[i].use {
				t.Fatalf("trial %d pick %d: %s/%s, reference %s/%s", trial, i, p.SiteID, p.Use, sel[i].id, sel[i].use)
			}
		}
	}
}
