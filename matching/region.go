package matching

import (
	"sort"

	"github.com/plekwijzer/plekwijzer/store"
)

// NoData is the status of a region without demand figures.
const NoData = "geen gegevens"

// UseSummary counts one use's results in a region.
type UseSummary struct {
	Use            Use `json:"use"`
	Candidates     int `json:"candidates"`
	Eligible       int `json:"eligible"`
	CapacityUnits  int `json:"capacity_units"`
	CapacityPeople int `json:"capacity_people"`
}

// RegionSummary is the panel of one centrumgemeente region.
type RegionSummary struct {
	Centrumgemeente     string `json:"centrumgemeente"`
	CentrumgemeenteNaam string `json:"centrumgemeente_naam"`
	Gemeenten           int    `json:"gemeenten"`
	// Candidates and Eligible count distinct sites (any use).
	Candidates int          `json:"candidates"`
	Eligible   int          `json:"eligible"`
	Uses       []UseSummary `json:"uses"`
	// CapacityPeople counts each eligible site once, with its largest
	// eligible capacity.
	CapacityPeople int `json:"capacity_people"`
	// DemandStatus is "ok" or "geen gegevens" (no figures: need, target,
	// gap and portfolio are then absent, never zero).
	DemandStatus    string     `json:"demand_status"`
	Need            *int       `json:"need"`
	Target          *int       `json:"target"`
	TargetDefaulted bool       `json:"target_defaulted,omitempty"`
	DemandYear      int        `json:"demand_year,omitempty"`
	DemandSource    string     `json:"demand_source,omitempty"`
	Gap             *int       `json:"gap"`
	Portfolio       *Portfolio `json:"portfolio,omitempty"`
}

// Summarize builds one summary per centrumgemeente named in members (plus
// any centrumgemeente only the results name), sorted by code. Demand comes
// from the table; a region missing from it shows "geen gegevens". The gap is
// what the portfolio leaves short of the target.
func Summarize(sets []*ScoreSet, members []store.RegionMember, demand DemandTable) []RegionSummary {
	uses := make([]Use, len(sets))
	for k, set := range sets {
		uses[k] = set.Use
	}
	b := newSummaryBuilder(uses, members, 0)
	// A site is the same site in every set when it has the same id and
	// centrumgemeente.
	keys := map[[2]string]int32{}
	for k, set := range sets {
		for i := range set.Results {
			r := &set.Results[i]
			if r.Centrumgemeente == "" {
				continue
			}
			key, ok := keys[[2]string{r.Centrumgemeente, r.SiteID}]
			if !ok {
				key = int32(len(keys))
				keys[[2]string{r.Centrumgemeente, r.SiteID}] = key
			}
			b.add(k, b.region(r.Centrumgemeente), key, r.SiteID, r.Score, r.Eligible, r.CapacityUnits, r.CapacityPeople)
		}
	}
	return b.finish(demand)
}

// summaryBuilder accumulates region summaries result by result; Summarize
// and SummarizeCompact feed it the same values in the same order.
type summaryBuilder struct {
	uses   []Use
	byCode map[string]*regionAcc
	// sites holds, per site key, its aggregate over the uses.
	sites []siteAgg
}

type regionAcc struct {
	sum *RegionSummary
	// cands are the portfolio candidates (eligible results), per use in
	// the order of the sets.
	cands []pfCand
	// keys lists the site keys seen in the region.
	keys []int32
}

type siteAgg struct {
	seen, eligible bool
	cap            int
}

// newSummaryBuilder starts the summaries of the regions in members; nkeys
// is the number of site keys known beforehand (more may be added).
func newSummaryBuilder(uses []Use, members []store.RegionMember, nkeys int) *summaryBuilder {
	b := &summaryBuilder{uses: uses, byCode: map[string]*regionAcc{}, sites: make([]siteAgg, nkeys)}
	for _, m := range members {
		s := b.region(m.Centrumgemeente).sum
		s.CentrumgemeenteNaam = m.CentrumgemeenteNaam
		s.Gemeenten++
	}
	return b
}

func (b *summaryBuilder) region(code string) *regionAcc {
	a := b.byCode[code]
	if a == nil {
		s := &RegionSummary{Centrumgemeente: code, Uses: make([]UseSummary, len(b.uses))}
		for k, u := range b.uses {
			s.Uses[k].Use = u
		}
		a = &regionAcc{sum: s}
		b.byCode[code] = a
	}
	return a
}

// add counts one result of set k in region a; key identifies the site
// (the same key in every set).
func (b *summaryBuilder) add(k int, a *regionAcc, key int32, id string, score float64, eligible bool, units, people int) {
	u := &a.sum.Uses[k]
	u.Candidates++
	if int(key) >= len(b.sites) {
		b.sites = append(b.sites, make([]siteAgg, int(key)+1-len(b.sites))...)
	}
	sa := &b.sites[key]
	if !sa.seen {
		sa.seen = true
		a.keys = append(a.keys, key)
	}
	if eligible {
		u.Eligible++
		u.CapacityUnits += units
		u.CapacityPeople += people
		sa.eligible = true
		sa.cap = max(sa.cap, people)
		if people > 0 {
			a.cands = append(a.cands, pfCand{score: score, units: units, people: people, key: key, id: id, use: b.uses[k]})
		}
	}
}

// finish adds the demand and the portfolio of every region and returns
// the summaries sorted by code.
func (b *summaryBuilder) finish(demand DemandTable) []RegionSummary {
	out := make([]RegionSummary, 0, len(b.byCode))
	var used []bool
	for code, a := range b.byCode {
		s := a.sum
		for _, key := range a.keys {
			sa := &b.sites[key]
			s.Candidates++
			if sa.eligible {
				s.Eligible++
				s.CapacityPeople += sa.cap
			}
		}
		d, ok := demand[code]
		if !ok || d.Target == nil {
			s.DemandStatus = NoData
			if ok {
				s.Need, s.DemandYear, s.DemandSource = d.Registered, d.Jaar, d.Source
			}
		} else {
			s.DemandStatus = "ok"
			s.Need, s.Target, s.TargetDefaulted = d.Registered, d.Target, d.TargetDefaulted
			s.DemandYear, s.DemandSource = d.Jaar, d.Source
			if len(used) < len(b.sites) {
				used = make([]bool, len(b.sites))
			}
			pf := selectPortfolio(*d.Target, a.cands, used)
			s.Portfolio = &pf
			gap := pf.Short
			s.Gap = &gap
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Centrumgemeente < out[j].Centrumgemeente })
	return out
}
