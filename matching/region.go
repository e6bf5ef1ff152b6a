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
	byCode := map[string]*RegionSummary{}
	get := func(code string) *RegionSummary {
		s := byCode[code]
		if s == nil {
			s = &RegionSummary{Centrumgemeente: code}
			for _, set := range sets {
				s.Uses = append(s.Uses, UseSummary{Use: set.Use})
			}
			byCode[code] = s
		}
		return s
	}
	for _, m := range members {
		s := get(m.Centrumgemeente)
		s.CentrumgemeenteNaam = m.CentrumgemeenteNaam
		s.Gemeenten++
	}
	perRegion := map[string][][]Result{}
	type siteAgg struct {
		eligible bool
		cap      int
	}
	sites := map[string]map[string]*siteAgg{}
	for k, set := range sets {
		groups := map[string][]Result{}
		for _, r := range set.Results {
			if r.Centrumgemeente == "" {
				continue
			}
			s := get(r.Centrumgemeente)
			u := &s.Uses[k]
			u.Candidates++
			if sites[r.Centrumgemeente] == nil {
				sites[r.Centrumgemeente] = map[string]*siteAgg{}
			}
			a := sites[r.Centrumgemeente][r.SiteID]
			if a == nil {
				a = &siteAgg{}
				sites[r.Centrumgemeente][r.SiteID] = a
			}
			if r.Eligible {
				u.Eligible++
				u.CapacityUnits += r.CapacityUnits
				u.CapacityPeople += r.CapacityPeople
				a.eligible = true
				a.cap = max(a.cap, r.CapacityPeople)
				groups[r.Centrumgemeente] = append(groups[r.Centrumgemeente], r)
			}
		}
		for code, g := range groups {
			perRegion[code] = append(perRegion[code], g)
		}
	}
	out := make([]RegionSummary, 0, len(byCode))
	for code, s := range byCode {
		for _, a := range sites[code] {
			s.Candidates++
			if a.eligible {
				s.Eligible++
				s.CapacityPeople += a.cap
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
			pf := SelectPortfolio(*d.Target, perRegion[code]...)
			s.Portfolio = &pf
			gap := pf.Short
			s.Gap = &gap
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Centrumgemeente < out[j].Centrumgemeente })
	return out
}
