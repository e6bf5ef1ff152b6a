package matching

import (
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
	base := make([]float64, len(set.Profile.Criteria))
	for i, c := range set.Profile.Criteria {
		base[i] = c.Weight
	}
	// Group eligible results by region.
	regions := map[string][]*Result{}
	var codes []string
	for i := range set.Results {
		r := &set.Results[i]
		if !r.Eligible || r.Centrumgemeente == "" || (opt.Region != "" && r.Centrumgemeente != opt.Region) {
			continue
		}
		if regions[r.Centrumgemeente] == nil {
			codes = append(codes, r.Centrumgemeente)
		}
		regions[r.Centrumgemeente] = append(regions[r.Centrumgemeente], r)
	}
	sort.Strings(codes)

	var out []SiteSensitivity
	rng := rand.New(rand.NewPCG(opt.Seed, opt.Seed^0x9e3779b97f4a7c15))
	w := make([]float64, len(base))
	for _, code := range codes {
		rs := regions[code]
		sort.Slice(rs, func(i, j int) bool { return rs[i].RankInRegion < rs[j].RankInRegion })
		n := min(opt.TopN, len(rs))
		stay := make([]int, n)
		scores := make([]float64, len(rs))
		idx := make([]int, len(rs))
		inTop := func(w []float64) []bool {
			for i, r := range rs {
				scores[i] = rescore(r, w)
				idx[i] = i
			}
			sort.Slice(idx, func(a, b int) bool {
				if scores[idx[a]] != scores[idx[b]] {
					return scores[idx[a]] > scores[idx[b]]
				}
				return rs[idx[a]].SiteID < rs[idx[b]].SiteID
			})
			top := make([]bool, n)
			for _, i := range idx[:n] {
				if i < n {
					top[i] = true
				}
			}
			return top
		}
		for it := 0; it < opt.Iterations; it++ {
			for i, b := range base {
				w[i] = b * (1 + opt.Spread*(2*rng.Float64()-1))
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
					name := set.Profile.Criteria[c].Name
					if !ok && (len(deps[i]) == 0 || deps[i][len(deps[i])-1] != name) {
						deps[i] = append(deps[i], name)
					}
				}
			}
		}
		for i := 0; i < n; i++ {
			r := rs[i]
			d := deps[i]
			if d == nil {
				d = []string{}
			}
			out = append(out, SiteSensitivity{
				SiteID: r.SiteID, Use: r.Use, Centrumgemeente: code, BaseRank: r.RankInRegion, Score: r.Score,
				StayRate: float64(stay[i]) / float64(opt.Iterations), DependsOn: d, Flagged: len(d) > 0,
			})
		}
	}
	return out
}

// rescore recomputes a result's score under weights w (profile order).
func rescore(r *Result, w []float64) float64 {
	var sw, s float64
	for i := range r.Criteria {
		c := &r.Criteria[i]
		if c.Missing {
			continue
		}
		sw += w[i]
		s += w[i] * c.Normalised
	}
	if sw == 0 {
		return 0
	}
	return s / sw
}
