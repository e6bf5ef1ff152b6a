package matching

import (
	"sort"
)

// Pick is one site chosen for one use in a portfolio.
type Pick struct {
	SiteID         string  `json:"id"`
	Use            Use     `json:"use"`
	Score          float64 `json:"score"`
	CapacityUnits  int     `json:"capacity_units"`
	CapacityPeople int     `json:"capacity_people"`
}

// Portfolio is a selection of eligible sites that meets a target.
type Portfolio struct {
	Target         int     `json:"target"`
	Selected       []Pick  `json:"selected"`
	CapacityPeople int     `json:"capacity_people"`
	TotalScore     float64 `json:"total_score"`
	// Short is how many woonplekken remain short of the target (0 when met).
	Short  int    `json:"short"`
	Method string `json:"method"`
}

// PortfolioMethod documents SelectPortfolio for the output.
const PortfolioMethod = "greedy: best eligible use per site, highest score first (ties: more capacity, then site id), until the target is met; then drop the lowest-scoring picks the target does not need"

// SelectPortfolio chooses, among eligible results with capacity, a set of
// sites that meets target woonplekken (capacity_people), each site serving at
// most one use.
//
// Objective (judgement, documented): every woonplek should be as good as
// possible, i.e. maximise the capacity-weighted mean score of the selected
// places subject to meeting the target. Maximising the plain sum of scores
// would simply take every site. Exact selection is a knapsack-type problem;
// the greedy heuristic takes sites by descending score (which is the score
// per woonplek, the "density"), each with its best-scoring eligible use,
// until the target is met, then removes, lowest score first, every pick the
// target does not need. When all eligible capacity falls short, every
// eligible site is selected and Short says what remains.
func SelectPortfolio(target int, results ...[]Result) Portfolio {
	type opt struct {
		r *Result
	}
	var opts []opt
	for _, rs := range results {
		for i := range rs {
			r := &rs[i]
			if r.Eligible && r.CapacityPeople > 0 {
				opts = append(opts, opt{r})
			}
		}
	}
	sort.Slice(opts, func(i, j int) bool {
		a, b := opts[i].r, opts[j].r
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		if a.CapacityPeople != b.CapacityPeople {
			return a.CapacityPeople > b.CapacityPeople
		}
		if a.SiteID != b.SiteID {
			return a.SiteID < b.SiteID
		}
		return a.Use < b.Use
	})
	pf := Portfolio{Target: target, Method: PortfolioMethod, Selected: []Pick{}}
	used := map[string]bool{}
	var sel []*Result
	cap := 0
	for _, o := range opts {
		if cap >= target {
			break
		}
		if used[o.r.SiteID] {
			continue
		}
		used[o.r.SiteID] = true
		sel = append(sel, o.r)
		cap += o.r.CapacityPeople
	}
	// Prune: lowest score first, drop picks the target does not need.
	for i := len(sel) - 1; i >= 0; i-- {
		if cap-sel[i].CapacityPeople >= target {
			cap -= sel[i].CapacityPeople
			sel = append(sel[:i], sel[i+1:]...)
		}
	}
	for _, r := range sel {
		pf.Selected = append(pf.Selected, Pick{SiteID: r.SiteID, Use: r.Use, Score: r.Score, CapacityUnits: r.CapacityUnits, CapacityPeople: r.CapacityPeople})
		pf.TotalScore += r.Score
	}
	pf.CapacityPeople = cap
	if cap < target {
		pf.Short = target - cap
	}
	return pf
}
