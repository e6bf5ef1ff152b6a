package matching

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// Entry is the compact, pointer-free result of one site under one profile:
// what ranking, region summaries and portfolios need. The explanation
// (criteria rows, knock-out reasons) is built on demand by
// CompactSet.Explain and is then identical to what Engine.Score returns.
type Entry struct {
	// Score is 0-100, the same number as Result.Score.
	Score float64
	// Site is the index of the site in the slice passed to ScoreCompact.
	Site int32
	// Region indexes CompactSet.Regions (0 is "": no centrumgemeente).
	Region int32
	// Rank is rank_in_region (0 for ineligible sites and sites without
	// centrumgemeente).
	Rank           int32
	CapacityUnits  int32
	CapacityPeople int32
	// KnockoutMask says which knock-outs fired: bit i is set when
	// Profile.Knockouts[i] did, for i < MaxKnockoutCodes (see KnockoutCodes).
	KnockoutMask uint64
	// Knockouts is the number of knock-out reasons (capped at 65535).
	Knockouts uint16
	Eligible  bool
}

// CompactSet holds the compact results of one profile. It keeps references
// to the engine and the sites so that explanations can be built later; do
// not modify the sites while the set is in use.
type CompactSet struct {
	Profile *Profile
	Name    string
	Use     Use
	// Entries has one entry per site the profile applies to, in input order.
	Entries []Entry
	// Regions are the centrumgemeente codes Entry.Region points into;
	// Regions[0] is "".
	Regions []string
	// Warnings as in ScoreSet.
	Warnings []string

	r      *scoreRun
	cp     *compiled
	bySite siteEntries
}

// scoreRun is the state shared by the profiles scored together.
type scoreRun struct {
	e          *Engine
	lk         *lookups
	cps        []*compiled
	sites      []store.Site
	regions    []string
	siteRegion []int32
	workers    int
	// idsAscending: the site ids increase strictly in input order (the
	// usual order of a store listing), so ties in rank can be broken by
	// input index instead of comparing id strings.
	idsAscending bool
}

func (e *Engine) newRun(sites []store.Site, profiles []*Profile) (*scoreRun, error) {
	r := &scoreRun{e: e, lk: &lookups{}, sites: sites, cps: make([]*compiled, len(profiles))}
	for k, p := range profiles {
		if err := p.Validate(); err != nil {
			return nil, fmt.Errorf("profile %s: %w", p.Name, err)
		}
		r.cps[k] = e.compile(p, r.lk)
	}
	r.workers = e.opts.Workers
	if r.workers <= 0 {
		r.workers = runtime.GOMAXPROCS(0)
	}
	r.idsAscending = idsAscending(sites, r.workers)
	// Intern the centrumgemeente codes once for all profiles.
	r.regions = []string{""}
	ids := map[string]int32{"": 0}
	r.siteRegion = make([]int32, len(sites))
	last, lastID := "", int32(0)
	for i := range sites {
		code := sites[i].Centrumgemeente
		if code == "" {
			code = e.regionOf[sites[i].Gemeente]
		}
		if code != last {
			id, ok := ids[code]
			if !ok {
				id = int32(len(r.regions))
				ids[code] = id
				r.regions = append(r.regions, code)
			}
			last, lastID = code, id
		}
		r.siteRegion[i] = lastID
	}
	return r, nil
}

// idsAscending reports whether sites[i].ID < sites[i+1].ID for every i,
// checked in parallel.
func idsAscending(sites []store.Site, workers int) bool {
	var bad atomic.Bool
	var wg sync.WaitGroup
	per := (len(sites) + workers - 1) / max(workers, 1)
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per+1, len(sites)) // overlap one site
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo + 1; i < hi; i++ {
				if sites[i-1].ID >= sites[i].ID {
					bad.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return !bad.Load()
}

// newSets allocates the compact sets and the site -> entry map: pos[i*K+k]
// is the entry of site i in set k, or -1 (K = number of profiles; one
// cache line per site in the Hilbert-ordered pass).
func (r *scoreRun) newSets() ([]*CompactSet, []int32) {
	K := len(r.cps)
	n := len(r.sites)
	kinds := make([][]store.SiteKind, K)
	for k, cp := range r.cps {
		kinds[k] = cp.p.Kinds()
	}
	pos := make([]int32, n*K)
	// Two parallel passes over chunks of sites: number the entries within
	// each chunk, then add the chunk's offset (a prefix sum over chunks) and
	// fill the entries. The numbering is the same as one sequential pass.
	const chunk = 1 << 16
	nc := (n + chunk - 1) / chunk
	counts := make([]int32, nc*K)
	forChunks(nc, r.workers, func(c int) {
		lo, hi := c*chunk, min((c+1)*chunk, n)
		cnt := counts[c*K : (c+1)*K]
		for i := lo; i < hi; i++ {
			kind := r.sites[i].Kind
			for k := range K {
				if slices.Contains(kinds[k], kind) {
					pos[i*K+k] = cnt[k]
					cnt[k]++
				} else {
					pos[i*K+k] = -1
				}
			}
		}
	})
	total := make([]int32, K)
	for c := range nc {
		for k := range K {
			counts[c*K+k], total[k] = total[k], total[k]+counts[c*K+k]
		}
	}
	sets := make([]*CompactSet, K)
	for k, cp := range r.cps {
		p := cp.p
		sets[k] = &CompactSet{Profile: p, Name: p.Name, Use: p.Use, Entries: make([]Entry, total[k]), Regions: r.regions, Warnings: cp.warnings, r: r, cp: cp}
	}
	forChunks(nc, r.workers, func(c int) {
		lo, hi := c*chunk, min((c+1)*chunk, n)
		off := counts[c*K : (c+1)*K]
		for i := lo; i < hi; i++ {
			for k := range K {
				if j := pos[i*K+k]; j >= 0 {
					j += off[k]
					pos[i*K+k] = j
					en := &sets[k].Entries[j]
					en.Site = int32(i)
					en.Region = r.siteRegion[i]
				}
			}
		}
	})
	return sets, pos
}

// forChunks calls fn(c) for c in [0, n) on workers goroutines.
func forChunks(n, workers int, fn func(c int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < min(workers, n); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1)) - 1
				if c >= n {
					return
				}
				fn(c)
			}
		}()
	}
	wg.Wait()
}

// parallel calls fn(lo, hi) over [0, n) in chunks on the run's workers.
func (r *scoreRun) parallel(ctx context.Context, n, chunk int, fn func(w, lo, hi int)) error {
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, r.workers)
	for w := 0; w < r.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(w, lo, min(lo+chunk, n))
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return fmt.Errorf("score: %w", err)
		}
	}
	return nil
}

// compactScratch are the buffers of one ScoreCompact call that do not
// outlive it, pooled on the Engine so that repeated calls allocate
// (almost) nothing besides their results.
type compactScratch struct {
	order, tmp []ordered
	spat       []float64
	inv        []int32
}

func (e *Engine) getScratch(n, stride int) *compactScratch {
	e.scratchMu.Lock()
	cs := e.spare
	e.spare = nil
	e.scratchMu.Unlock()
	if cs == nil {
		cs = &compactScratch{}
	}
	if cap(cs.order) < n {
		cs.order = make([]ordered, n)
		cs.tmp = make([]ordered, n)
		cs.inv = make([]int32, n)
	}
	if cap(cs.spat) < n*stride {
		cs.spat = make([]float64, n*stride)
	}
	cs.order, cs.tmp, cs.inv = cs.order[:n], cs.tmp[:n], cs.inv[:n]
	cs.spat = cs.spat[:n*stride]
	return cs
}

// putScratch keeps cs for the next call (the larger set when two calls
// return theirs).
func (e *Engine) putScratch(cs *compactScratch) {
	e.scratchMu.Lock()
	if e.spare == nil || cap(e.spare.spat) < cap(cs.spat) {
		e.spare = cs
	}
	e.scratchMu.Unlock()
}

// ReleaseScratch drops the scratch buffers ScoreCompact keeps for its
// next call (about 200 B per site): for an engine that is kept to explain
// and rescore single sites, like the server's.
func (e *Engine) ReleaseScratch() {
	e.scratchMu.Lock()
	e.spare = nil
	e.scratchMu.Unlock()
}

// scoreAll scores every site for every profile.
//
// Compact (full nil), three passes: (1) in input order, each site's point,
// Hilbert key and profile mask, then a radix sort into Hilbert order;
// (2) in Hilbert order, the spatial lookups and the spatial part of every
// profile (spatialPart), written sequentially per Hilbert position, plus
// the inverse permutation; (3) in input order again, the site-only part
// (prepass) combined with the site's spatial record into the entries. Every
// pass but the record read in (3) walks memory sequentially; (3) reads one
// record per site (all profiles together) by its Hilbert position.
//
// With full non-nil one Hilbert-ordered pass fills the entries and the
// explained results.
func (r *scoreRun) scoreAll(ctx context.Context, sets []*CompactSet, pos []int32, full []*ScoreSet, crit [][]CriterionResult) error {
	e := r.e
	K := len(r.cps)
	ctxs := make([]*siteCtx, r.workers)
	for w := range ctxs {
		ctxs[w] = newSiteCtx(r.lk)
	}
	if full != nil {
		order := e.hilbertOrder(r.sites, r.workers)
		exs := make([]explained, r.workers)
		return r.parallel(ctx, len(order), 512, func(w, lo, hi int) {
			sc, ex := ctxs[w], &exs[w]
			for o := lo; o < hi; o++ {
				oi := &order[o]
				i := int(oi.idx)
				sc.reset(&r.sites[i], oi.p)
				e.lookup(r.lk, sc)
				for k, cp := range r.cps {
					j := int(pos[i*K+k])
					if j < 0 {
						continue
					}
					ent := &sets[k].Entries[j]
					nc := len(cp.crit)
					ex.crit = crit[k][j*nc : (j+1)*nc : (j+1)*nc]
					ex.knockouts = noKnockouts
					e.scoreSite(cp, sc, ent, ex, nil, nil)
					r.fillResult(cp, sc.site, ent, ex, &full[k].Results[j])
				}
			}
		})
	}
	// Spatial record layout: per profile k, nSpatial+1 values at off[k].
	off := make([]int, K+1)
	for k, cp := range r.cps {
		off[k+1] = off[k] + cp.nSpatial + 1
	}
	S := off[K]
	n := len(r.sites)
	cs := e.getScratch(n, S)
	defer e.putScratch(cs)
	order, spat, inv := cs.order, cs.spat, cs.inv
	err := r.parallel(ctx, n, 4096, func(w, lo, hi int) {
		for i := lo; i < hi; i++ {
			p := sitePoint(&r.sites[i])
			var mask uint32
			for k := range K {
				if k >= 32 || pos[i*K+k] >= 0 {
					mask |= 1 << min(k, 31)
				}
			}
			order[i] = ordered{key: hilbertKey(p), idx: int32(i), mask: mask, p: p}
		}
	})
	if err != nil {
		return err
	}
	order = radixByKey(order, cs.tmp)
	err = r.parallel(ctx, n, 512, func(w, lo, hi int) {
		sc := ctxs[w]
		for o := lo; o < hi; o++ {
			oi := &order[o]
			sc.reset(nil, oi.p)
			e.lookup(r.lk, sc)
			rec := spat[o*S : (o+1)*S : (o+1)*S]
			for k, cp := range r.cps {
				if oi.mask&(1<<min(k, 31)) != 0 {
					e.spatialPart(cp, sc, rec[off[k]:off[k+1]:off[k+1]])
				}
			}
			inv[oi.idx] = int32(o)
		}
	})
	if err != nil {
		return err
	}
	pres := make([][]float64, r.workers)
	// The records are read in blocks: first copied into a small local
	// buffer (independent loads, so the cache misses overlap), then combined.
	const block = 64
	recs := make([][]float64, r.workers)
	return r.parallel(ctx, n, 4096, func(w, lo, hi int) {
		sc := ctxs[w]
		if recs[w] == nil {
			recs[w] = make([]float64, block*S)
		}
		buf := recs[w]
		for i := lo; i < hi; i++ {
			b := (i - lo) % block
			if b == 0 {
				for bi := i; bi < min(i+block, hi); bi++ {
					o := int(inv[bi])
					copy(buf[(bi-i)*S:(bi-i+1)*S], spat[o*S:(o+1)*S])
				}
			}
			rec := buf[b*S : (b+1)*S : (b+1)*S]
			sc.reset(&r.sites[i], orb.Point{})
			for k, cp := range r.cps {
				j := pos[i*K+k]
				if j < 0 {
					continue
				}
				st := cp.nSiteOnly + 2
				if cap(pres[w]) < st {
					pres[w] = make([]float64, st)
				}
				pre := pres[w][:st:st]
				e.prepass(cp, sc, pre)
				e.scoreSite(cp, sc, &sets[k].Entries[j], nil, pre, rec[off[k]:off[k+1]:off[k+1]])
			}
		}
	})
}

// fillResult writes the explained Result of one entry (RankInRegion from the entry).
func (r *scoreRun) fillResult(cp *compiled, s *store.Site, ent *Entry, ex *explained, res *Result) {
	p := cp.p
	*res = Result{
		SiteID: s.ID, SiteKind: s.Kind, Use: p.Use, Profile: p.Name,
		Score: ent.Score, Eligible: ent.Eligible, Knockouts: ex.knockouts, Criteria: ex.crit,
		CapacityUnits: int(ent.CapacityUnits), CapacityPeople: int(ent.CapacityPeople),
		CapacityAssumptions: cp.assumptions,
		Gemeente:            s.Gemeente, Centrumgemeente: r.regions[ent.Region],
		RankInRegion: int(ent.Rank),
	}
}

// ScoreCompact scores the sites under each profile like Score, including
// rank_in_region, but keeps only the compact Entry per site: no
// per-criterion rows and no knock-out texts are built. Use
// CompactSet.Explain, Top or Full for the explanation of the sites you
// show or export. The numbers are identical to Score's.
func (e *Engine) ScoreCompact(ctx context.Context, sites []store.Site, profiles ...*Profile) ([]*CompactSet, error) {
	r, err := e.newRun(sites, profiles)
	if err != nil {
		return nil, err
	}
	sets, pos := r.newSets()
	if err := r.scoreAll(ctx, sets, pos, nil, nil); err != nil {
		return nil, err
	}
	// The sets are ranked concurrently (each rank's counting passes are
	// sequential; its regions are sorted in parallel).
	var wg sync.WaitGroup
	for _, s := range sets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.rank()
		}()
	}
	wg.Wait()
	return sets, nil
}

// Score scores the sites under each profile with the full explanation of
// every site. Spatial lookups are done once per site for all profiles.
// Results come back in input order per profile; rank_in_region is filled.
// The work is split over Options.Workers goroutines in chunks of sites
// sorted along a Hilbert curve. For large inputs prefer ScoreCompact and
// explain only what is shown.
func (e *Engine) Score(ctx context.Context, sites []store.Site, profiles ...*Profile) ([]*ScoreSet, error) {
	r, err := e.newRun(sites, profiles)
	if err != nil {
		return nil, err
	}
	sets, pos := r.newSets()
	full := make([]*ScoreSet, len(sets))
	crit := make([][]CriterionResult, len(sets))
	for k, s := range sets {
		full[k] = &ScoreSet{Profile: s.Profile, Name: s.Name, Use: s.Use, Results: make([]Result, len(s.Entries)), Warnings: s.Warnings}
		crit[k] = make([]CriterionResult, len(s.Entries)*len(s.cp.crit))
	}
	if err := r.scoreAll(ctx, sets, pos, full, crit); err != nil {
		return nil, err
	}
	for k, s := range sets {
		s.rank()
		for j := range s.Entries {
			full[k].Results[j].RankInRegion = int(s.Entries[j].Rank)
		}
	}
	return full, nil
}

// Region returns the centrumgemeente code of entry i ("" when none).
func (s *CompactSet) Region(i int) string { return s.Regions[s.Entries[i].Region] }

// SiteID returns the site id of entry i.
func (s *CompactSet) SiteID(i int) string { return s.r.sites[s.Entries[i].Site].ID }

// Index returns the entry index of the site with the given id (a linear
// scan), or -1.
func (s *CompactSet) Index(id string) int {
	for i := range s.Entries {
		if s.r.sites[s.Entries[i].Site].ID == id {
			return i
		}
	}
	return -1
}

// Top returns the entry indexes of the first n ranked sites of every
// region (all ranked sites when n <= 0), ordered by centrumgemeente code
// and then rank.
func (s *CompactSet) Top(n int) []int {
	var out []int
	for i := range s.Entries {
		if r := s.Entries[i].Rank; r > 0 && (n <= 0 || int(r) <= n) {
			out = append(out, i)
		}
	}
	slices.SortFunc(out, func(a, b int) int {
		ea, eb := &s.Entries[a], &s.Entries[b]
		if c := strings.Compare(s.Regions[ea.Region], s.Regions[eb.Region]); c != 0 {
			return c
		}
		return cmp.Compare(ea.Rank, eb.Rank)
	})
	return out
}

// Explain returns the explained Results of the given entries, in that
// order: the same values Score returns for those sites (the spatial
// lookups are redone per site; no other site is touched).
func (s *CompactSet) Explain(entries []int) []Result {
	out := make([]Result, len(entries))
	nc := len(s.cp.crit)
	crit := make([]CriterionResult, len(entries)*nc)
	sc := newSiteCtx(s.r.lk)
	var ex explained
	e := s.r.e
	for n, i := range entries {
		ent := s.Entries[i]
		site := &s.r.sites[ent.Site]
		sc.reset(site, sitePoint(site))
		e.lookup(s.r.lk, sc)
		ex.crit = crit[n*nc : (n+1)*nc : (n+1)*nc]
		ex.knockouts = noKnockouts
		e.scoreSite(s.cp, sc, &ent, &ex, nil, nil)
		ent.Rank = s.Entries[i].Rank
		s.r.fillResult(s.cp, site, &ent, &ex, &out[n])
	}
	return out
}

// Full explains every entry (in parallel) and returns the ScoreSet that
// Engine.Score would have returned for this profile.
func (s *CompactSet) Full(ctx context.Context) (*ScoreSet, error) {
	full := &ScoreSet{Profile: s.Profile, Name: s.Name, Use: s.Use, Results: make([]Result, len(s.Entries)), Warnings: s.Warnings}
	const chunk = 2048
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make([]error, s.r.workers)
	for w := 0; w < s.r.workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			idx := make([]int, 0, chunk)
			for {
				if err := ctx.Err(); err != nil {
					errs[w] = err
					return
				}
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(s.Entries) {
					return
				}
				hi := min(lo+chunk, len(s.Entries))
				idx = idx[:0]
				for i := lo; i < hi; i++ {
					idx = append(idx, i)
				}
				copy(full.Results[lo:hi], s.Explain(idx))
			}
		}(w)
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("explain: %w", err)
		}
	}
	return full, nil
}
