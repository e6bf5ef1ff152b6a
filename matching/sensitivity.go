package matching

import (
	"math"
	"math/rand/v2"
	"sort"
)

// SensitivityOptions configure Sensitivity. Zero fields take the defaults.
type SensitivityOptions struct {
	TopN       int     // top N per region to follow; default 10
	Iterations int     // Monte Carlo runs; default 500
	Spread     float64 // each weight is multiplied by U(1-Spread, 1+Spread); default 0.20
	Seed       uint64  // default 1; the same seed gives the same answer
	// Region limits the analysis to one centrumgemeente; empty means all.
	Region string
}

// SiteSensitivity is how robust one top-N site's place is.
type SiteSensitivity struct {
	SiteID          string  `json:"id"`
	Use             Use     `json:"use"`
	Centrumgemeente string  `json:"centrumgemeente"`
	BaseRank        int     `json:"base_rank"`
	Score           float64 `json:"score"`
	// StayRate is the fraction of Monte Carlo runs in which the site stays
	// in its region's top N.
	StayRate float64 `json:"stay_rate"`
	// DependsOn names each criterion whose weight alone, changed by ±Spread
	// with all others fixed, pushes the site out of the top N.
	DependsOn []string `json:"depends_on"`
	// Flagged is true when DependsOn is not empty: the rank hinges on one weight.
	Flagged bool `json:"flagged"`
}

// Sensitivity perturbs the profile weights of a scored set and reports, for
// each site in its region's top N (by rank_in_region), how often it stays in
// the top N, and which single weights can push it out. Only eligible
// results are ranked; scores are recomputed from the stored normalised
// subscores (no spatial work), renormalising over each site's criteria with
// data exactly as Score does.
func Sensitivity(set *ScoreSet, opt SensitivityOptions) []SiteSensitivity {
	sa := newSensitivity(set.Profile, opt)
	// Group eligible results by region.
	regions := map[string][]*Result{}
	var codes []string
	for i := range set.Results {
		r := &set.Results[i]
		if !r.Eligible || r.Centrumgemeente == "" || (sa.opt.Region != "" && r.Centrumgemeente != sa.opt.Region) {
			continue
		}
		if regions[r.Centrumgemeente] == nil {
			codes = append(codes, r.Centrumgemeente)
		}
		regions[r.Centrumgemeente] = append(regions[r.Centrumgemeente], r)
	}
	sort.Strings(codes)
	var items []sensItem
	for _, code := range codes {
		rs := regions[code]
		sort.Slice(rs, func(i, j int) bool { return rs[i].RankInRegion < rs[j].RankInRegion })
		items = sa.items(items[:0], rs)
		sa.region(code, items)
	}
	return sa.out
}

// SensitivityCompact is Sensitivity for a compact set: the same answer,
// explaining only the eligible sites of the regions analysed, one region
// at a time.
func SensitivityCompact(set *CompactSet, opt SensitivityOptions) []SiteSensitivity {
	sa := newSensitivity(set.Profile, opt)
	byRegion := make([][]int, len(set.Regions))
	for i := range set.Entries {
		en := &set.Entries[i]
		if !en.Eligible || en.Region == 0 || (sa.opt.Region != "" && set.Regions[en.Region] != sa.opt.Region) {
			continue
		}
		byRegion[en.Region] = append(byRegion[en.Region], i)
	}
	order := make([]int, 0, len(set.Regions))
	for g := range byRegion {
		if len(byRegion[g]) > 0 {
			order = append(order, g)
		}
	}
	sort.Slice(order, func(a, b int) bool { return set.Regions[order[a]] < set.Regions[order[b]] })
	var items []sensItem
	rs := []*Result{}
	for _, g := range order {
		ents := byRegion[g]
		sort.Slice(ents, func(a, b int) bool { return set.Entries[ents[a]].Rank < set.Entries[ents[b]].Rank })
		results := set.Explain(ents)
		rs = rs[:0]
		for i := range results {
			rs = append(rs, &results[i])
		}
		items = sa.items(items[:0], rs)
		sa.region(set.Regions[g], items)
	}
	return sa.out
}

// sensItem is one eligible site of a region, as the analysis sees it.
type sensItem struct {
	id    string
	use   Use
	rank  int
	score float64
	// norm are the normalised subscores in profile order (NaN: missing).
	norm []float64
}

// sensitivity is the state of one analysis: the options, the base
// weights and the random stream, which runs through the regions in code
// order.
type sensitivity struct {
	p    *Profile
	opt  SensitivityOptions
	base []float64
	rng  *rand.Rand
	out  []SiteSensitivity
}

func newSensitivity(p *Profile, opt SensitivityOptions) *sensitivity {
	if opt.TopN <= 0 {
		opt.TopN = 10
	}
	if opt.Iterations <= 0 {
		opt.Iterations = 500
	}
	if opt.Spread <= 0 {
		opt.Spread = 0.20
	}
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	base := make([]float64, len(p.Criteria))
	for i, c := range p.Criteria {
		base[i] = c.Weight
	}
	return &sensitivity{p: p, opt: opt, base: base, rng: rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))}
}

// items converts a region's results (in rank order) into items.
func (sa *sensitivity) items(dst []sensItem, rs []*Result) []sensItem {
	nc := len(sa.base)
	norm := make([]float64, len(rs)*nc)
	for i, r := range rs {
		nr := norm[i*nc : (i+1)*nc : (i+1)*nc]
		for c := range nr {
			nr[c] = math.NaN()
			if c < len(r.Criteria) && !r.Criteria[c].Missing {
				nr[c] = r.Criteria[c].Normalised
			}
		}
		dst = append(dst, sensItem{id: r.SiteID, use: r.Use, rank: r.RankInRegion, score: r.Score, norm: nr})
	}
	return dst
}

// region analyses one region's eligible sites, given in rank order.
func (sa *sensitivity) region(code string, rs []sensItem) {
	opt, base := sa.opt, sa.base
	n := min(opt.TopN, len(rs))
	stay := make([]int, n)
	scores := make([]float64, len(rs))
	top := make([]bool, n)
	heap := make([]int, 0, n)
	// worse reports whether site a ranks below site b under the scores.
	worse := func(a, b int) bool {
		if scores[a] != scores[b] {
			return scores[a] < scores[b]
		}
		return rs[a].id > rs[b].id
	}
	// inTop marks which of the first n sites are among the n best under w:
	// a bounded heap (the worst of the best n at the root) instead of a
	// sort; the order (score descending, ties by id) is total, so the set
	// is the one a full sort gives.
	inTop := func(w []float64) []bool {
		heap = heap[:0]
		for i := range rs {
			scores[i] = rescore(rs[i].norm, w)
			if len(heap) < n {
				heap = append(heap, i)
				for j := len(heap) - 1; j > 0; {
					p := (j - 1) / 2
					if !worse(heap[j], heap[p]) {
						break
					}
					heap[j], heap[p] = heap[p], heap[j]
					j = p
				}
				continue
			}
			if n == 0 || !worse(heap[0], i) {
				continue
			}
			heap[0] = i
			for j := 0; ; {
				l, m := 2*j+1, j
				if l < n && worse(heap[l], heap[m]) {
					m = l
				}
				if l+1 < n && worse(heap[l+1], heap[m]) {
					m = l + 1
				}
				if m == j {
					break
				}
				heap[j], heap[m] = heap[m], heap[j]
				j = m
			}
		}
		clear(top)
		for _, i := range heap {
			if i < n {
				top[i] = true
			}
		}
		return top
	}
	w := make([]float64, len(base))
	for it := 0; it < opt.Iterations; it++ {
		for i, b := range base {
			w[i] = b * (1 + opt.Spread*(2*sa.rng.Float64()-1))
		}
		for i, ok := range inTop(w) {
			if ok {
				stay[i]++
			}
		}
	}
	deps := make([][]string, n)
	for c := range base {
		for _, f := range []float64{1 - opt.Spread, 1 + opt.Spread} {
			copy(w, base)
			w[c] = base[c] * f
			for i, ok := range inTop(w) {
				name := sa.p.Criteria[c].Name
				if !ok && (len(deps[i]) == 0 || deps[i][len(deps[i])-1] != name) {
					deps[i] = append(deps[i], name)
				}
			}
		}
	}
	for i := 0; i < n; i++ {
		r := &rs[i]
		d := deps[i]
		if d == nil {
			d = []string{}
		}
		sa.out = append(sa.out, SiteSensitivity{
			SiteID: r.id, Use: r.use, Centrumgemeente: code, BaseRank: r.rank, Score: r.score,
			StayRate: float64(stay[i]) / float64(opt.Iterations), DependsOn: d, Flagged: len(d) > 0,
		})
	}
}

// rescore recomputes a score from the normalised subscores (NaN: missing)
// under weights w (profile order), renormalising over the criteria with
// data as Score does.
func rescore(norm []float64, w []float64) float64 {
	var sw, s float64
	for i, n := range norm {
		if math.IsNaN(n) {
			continue
		}
		sw += w[i]
		s += w[i] * n
	}
	if sw == 0 {
		return 0
	}
	return s / sw
}
