package matching

import (
	"strconv"

	"github.com/plekwijzer/plekwijzer/store"
)

// Result is the score of one site for one use under one profile.
type Result struct {
	SiteID   string         `json:"id"`
	SiteKind store.SiteKind `json:"soort"`
	Use      Use            `json:"use"`
	Profile  string         `json:"profile"`
	// Score is 0-100: the sum of the criteria's contributions.
	Score float64 `json:"score"`
	// Eligible is false when a knock-out fired; the site stays visible.
	Eligible bool `json:"eligible"`
	// Knockouts are the reasons, each naming the zone or value.
	Knockouts []string          `json:"knockouts"`
	Criteria  []CriterionResult `json:"criteria"`
	// CapacityUnits and CapacityPeople follow Capacity's formulas; 0 when
	// the area needed is unknown.
	CapacityUnits       int    `json:"capacity_units"`
	CapacityPeople      int    `json:"capacity_people"`
	CapacityAssumptions string `json:"capacity_assumptions"`
	Gemeente            string `json:"gemeente,omitempty"`
	Centrumgemeente     string `json:"centrumgemeente"`
	// RankInRegion is the 1-based rank among the eligible sites of the same
	// centrumgemeente for this use (score descending, ties by site id);
	// 0 for ineligible sites and sites without centrumgemeente.
	RankInRegion int `json:"rank_in_region"`
}

// CriterionResult explains one criterion of a Result.
type CriterionResult struct {
	Name string
	// Value is the measured value (when Text is empty).
	Value float64
	// Text is the measured value of a text criterion (function, owner, ...).
	Text string
	Unit string
	// Normalised is the subscore 0-100 from the value function.
	Normalised float64
	// Weight is the effective weight: the profile weight renormalised over
	// the criteria with data so that they sum to 100.
	Weight float64
	// Contribution is Weight × Normalised / 100; the contributions sum to
	// the score.
	Contribution float64
	// Missing is true when the site has no data for the criterion; it is
	// then dropped (weight 0) and the other weights renormalised.
	Missing bool
}

// MarshalJSON writes {"name","value","unit","normalised","weight",
// "contribution"} and "missing": true when dropped; value is a number, a
// string for text criteria, or null when missing.
func (c CriterionResult) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 160)
	b = append(b, `{"name":`...)
	b = strconv.AppendQuote(b, c.Name)
	b = append(b, `,"value":`...)
	switch {
	case c.Missing:
		b = append(b, "null"...)
	case c.Text != "":
		b = strconv.AppendQuote(b, c.Text)
	default:
		b = appendFloat(b, c.Value)
	}
	b = append(b, `,"unit":`...)
	b = strconv.AppendQuote(b, c.Unit)
	b = append(b, `,"normalised":`...)
	b = appendFloat(b, c.Normalised)
	b = append(b, `,"weight":`...)
	b = appendFloat(b, c.Weight)
	b = append(b, `,"contribution":`...)
	b = appendFloat(b, c.Contribution)
	if c.Missing {
		b = append(b, `,"missing":true`...)
	}
	return append(b, '}'), nil
}

func appendFloat(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// ScoreSet holds the results of one profile.
type ScoreSet struct {
	Profile *Profile `json:"-"`
	Name    string   `json:"profile"`
	Use     Use      `json:"use"`
	// Results has one entry per site the profile applies to, in input order.
	Results []Result `json:"results"`
	// Warnings name criteria and knock-outs dropped for every site because
	// their layer is not loaded.
	Warnings []string `json:"warnings,omitempty"`
}

// ByID returns the result of a site, or nil.
func (s *ScoreSet) ByID(id string) *Result {
	for i := range s.Results {
		if s.Results[i].SiteID == id {
			return &s.Results[i]
		}
	}
	return nil
}
