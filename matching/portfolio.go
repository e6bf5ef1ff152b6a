package matching

import (
	"strings"
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
	var cands []pfCand
	keys := map[string]int32{}
	for _, rs := range results {
		for i := range rs {
			r := &rs[i]
			if !r.Eligible || r.CapacityPeople <= 0 {
				continue
			}
			key, ok := keys[r.SiteID]
			if !ok {
				key = int32(len(keys))
				keys[r.SiteID] = key
			}
			cands = append(cands, pfCand{score: r.Score, units: r.CapacityUnits, people: r.CapacityPeople, key: key, id: r.SiteID, use: r.Use})
		}
	}
	return selectPortfolio(target, cands, make([]bool, len(keys)))
}

// pfCand is one eligible result with capacity, as the portfolio sees it;
// key identifies the site (one use per site).
type pfCand struct {
	score         float64
	units, people int
	key           int32
	id            string
	use           Use
}

// selectPortfolio is SelectPortfolio over candidates (eligible, capacity
// above 0). It reorders cands. used has a false entry for every key and is
// left all false again.
func selectPortfolio(target int, cands []pfCand, used []bool) Portfolio {
	// The greedy pass needs the candidates best first only until the
	// target is met: a heap (built in O(n), popped a few times) gives them
	// in the order a full sort would, for a fraction of its cost.
	h := pfHeap(cands)
	h.init()
	pf := Portfolio{Target: target, Method: PortfolioMethod, Selected: []Pick{}}
	var sel []pfCand
	cap := 0
	for len(h) > 0 && cap < target {
		o := h.pop()
		h = h[:len(h)-1]
		if used[o.key] {
			continue
		}
		used[o.key] = true
		sel = append(sel, o)
		cap += o.people
	}
	for _, o := range sel {
		used[o.key] = false
	}
	// Prune: lowest score first, drop picks the target does not need.
	for i := len(sel) - 1; i >= 0; i-- {
		if cap-sel[i].people >= target {
			cap -= sel[i].people
			sel = append(sel[:i], sel[i+1:]...)
		}
	}
	for _, o := range sel {
		pf.Selected = append(pf.Selected, Pick{SiteID: o.id, Use: o.use, Score: o.score, CapacityUnits: o.units, CapacityPeople: o.people})
		pf.TotalScore += o.score
	}
	pf.CapacityPeople = cap
	if cap < target {
		pf.Short = target - cap
	}
	return pf
}

// pfBetter is the greedy order: score descending, then more capacity,
// then site id and use.
func pfBetter(a, b *pfCand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if a.people != b.people {
		return a.people > b.people
	}
	if c := strings.Compare(a.id, b.id); c != 0 {
		return c < 0
	}
	return a.use < b.use
}

// pfHeap is a binary heap of candidates, the best at the root.
type pfHeap []pfCand

func (h pfHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h pfHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && pfBetter(&h[r], &h[l]) {
			m = r
		}
		if !pfBetter(&h[m], &h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}

// pop returns the best candidate and moves the last one to the root; the
// caller drops the last element.
func (h pfHeap) pop() pfCand {
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h[:n].down(0)
	return top
}
