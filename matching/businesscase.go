package matching

import (
	_ "embed"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Business-case parameter names: the keys in the parameter file, the API
// query parameters and the Parameter of each Assumption.
const (
	ParamCapexPerWoning        = "capex_per_woning"
	ParamVermedenKostenPerPlek = "vermeden_kosten_per_plek"
	ParamExploitatiePerWoning  = "exploitatie_per_woning"
	ParamHorizonJaren          = "horizon_jaren"
)

// Figure is one business-case parameter with its provenance. Every figure
// must either cite a Source or be marked Judgement; euro figures carry the
// PriceYear they are from (they are never indexed).
type Figure struct {
	Value     float64 `yaml:"value" json:"value"`
	PriceYear int     `yaml:"price_year,omitempty" json:"price_year,omitempty"`
	Source    string  `yaml:"source,omitempty" json:"source,omitempty"`
	Judgement bool    `yaml:"judgement,omitempty" json:"judgement,omitempty"`
	Note      string  `yaml:"note,omitempty" json:"note,omitempty"`
	// Alternatives are other sourced values an adviser may pick instead.
	Alternatives []Alternative `yaml:"alternatives,omitempty" json:"alternatives,omitempty"`
}

// Alternative is a documented alternative value of a Figure.
type Alternative struct {
	Value     float64 `yaml:"value" json:"value"`
	PriceYear int     `yaml:"price_year,omitempty" json:"price_year,omitempty"`
	Source    string  `yaml:"source" json:"source"`
	Note      string  `yaml:"note,omitempty" json:"note,omitempty"`
}

// UseCosts are the business-case figures that differ per use.
type UseCosts struct {
	// CapexPerUnit is the investment per woning (EUR).
	CapexPerUnit Figure `yaml:"capex_per_woning" json:"capex_per_woning"`
	// ExploitationPerUnit is the yearly exploitation and beheer cost per
	// woning (EUR per year).
	ExploitationPerUnit Figure `yaml:"exploitatie_per_woning" json:"exploitatie_per_woning"`
	// HorizonYears is the exploitation period in whole years.
	HorizonYears Figure `yaml:"horizon_jaren" json:"horizon_jaren"`
}

// BusinessCaseParams are the parameters of the business case (criteria.md
// §3, §9c). The defaults (DefaultBusinessCaseParams, embedded from
// defaults/businesscase.yaml) are:
//
//   - vermeden_kosten_per_plek €15,000 per person per year (Boesveldt/VU
//     2025, criteria.md §3); alternatives €23,236 (Cebeon 2011, MO feitelijk
//     daklozen) and €10,384 (Cebeon 2011, MO residentieel) are documented;
//   - flex capex_per_woning €63,000 (corporatie stichtingskosten 2018 for a
//     flexibele woning, Aedes/CBS via Telegraaf, criteria.md §1c);
//   - transformatie capex_per_woning €90,000: JUDGEMENT, no source exists
//     (criteria.md §2d calls €60k-120k per small unit unverified);
//   - exploitatie_per_woning €3,000 per year for both uses: judgement;
//   - horizon_jaren 15 for flex (max term of a temporary permit, criteria.md
//     §1d) and 15 for transformatie (judgement).
type BusinessCaseParams struct {
	Description        string   `yaml:"description,omitempty" json:"description,omitempty"`
	AvoidedCostPerPlek Figure   `yaml:"vermeden_kosten_per_plek" json:"vermeden_kosten_per_plek"`
	Flex               UseCosts `yaml:"flex" json:"flex"`
	Transformatie      UseCosts `yaml:"transformatie" json:"transformatie"`
}

// FlexPermitMaxYears is the maximum term of a temporary permit for
// flexwoningen (Wabo art. 2.23, criteria.md §1d); a longer flex horizon is
// allowed but warned about.
const FlexPermitMaxYears = 15

// ErrInvalidBusinessCase is wrapped by every business-case parameter error.
var ErrInvalidBusinessCase = errors.New("invalid business-case parameters")

// BusinessCaseError names the wrong field of the business-case parameters
// as a path like "flex.capex_per_woning.value"; it wraps
// ErrInvalidBusinessCase.
type BusinessCaseError = FieldError[businessCaseKind]

// BusinessCaseErrors is a list of validation errors; Error shows them all.
type BusinessCaseErrors = FieldErrors[businessCaseKind]

type businessCaseKind struct{}

func (businessCaseKind) what() string    { return "business case" }
func (businessCaseKind) sentinel() error { return ErrInvalidBusinessCase }

//go:embed defaults/businesscase.yaml
var defaultBusinessCaseYAML []byte

// DefaultBusinessCaseParams returns a fresh copy of the embedded default
// parameters (see BusinessCaseParams for the figures and their sources).
func DefaultBusinessCaseParams() BusinessCaseParams {
	p, err := ParseBusinessCaseParams(defaultBusinessCaseYAML, "defaults/businesscase.yaml")
	if err != nil {
		panic("matching: embedded business-case parameters: " + err.Error())
	}
	return p
}

// LoadBusinessCaseParams reads a parameter file (YAML, or JSON when it ends
// in .json); see defaults/businesscase.yaml for the format.
func LoadBusinessCaseParams(path string) (BusinessCaseParams, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return BusinessCaseParams{}, fmt.Errorf("read business-case parameters: %w", err)
	}
	return ParseBusinessCaseParams(b, filepath.Base(path))
}

// ParseBusinessCaseParams decodes and validates parameters. name is the file
// name used in messages; a name ending in .json is decoded as JSON, anything
// else as YAML. Unknown fields are errors, and every figure must be present:
// a file is a complete parameter set, not a patch.
func ParseBusinessCaseParams(b []byte, name string) (BusinessCaseParams, error) {
	var p BusinessCaseParams
	if err := decodeStrict[businessCaseKind](b, name, &p); err != nil {
		return BusinessCaseParams{}, err
	}
	if err := p.Validate(); err != nil {
		return BusinessCaseParams{}, inFile[businessCaseKind](err, name)
	}
	return p, nil
}

// Costs returns the per-use figures of use, or false for an unknown use.
func (p *BusinessCaseParams) Costs(use Use) (*UseCosts, bool) {
	switch use {
	case Flex:
		return &p.Flex, true
	case Transformatie:
		return &p.Transformatie, true
	}
	return nil, false
}

// figure returns the named figure for use (vermeden_kosten_per_plek is the
// same for both uses).
func (p *BusinessCaseParams) figure(use Use, name string) (*Figure, error) {
	if name == ParamVermedenKostenPerPlek {
		return &p.AvoidedCostPerPlek, nil
	}
	c, ok := p.Costs(use)
	if !ok {
		return nil, &BusinessCaseError{Field: "use", Msg: fmt.Sprintf("must be %q or %q, got %q", Flex, Transformatie, use)}
	}
	switch name {
	case ParamCapexPerWoning:
		return &c.CapexPerUnit, nil
	case ParamExploitatiePerWoning:
		return &c.ExploitationPerUnit, nil
	case ParamHorizonJaren:
		return &c.HorizonYears, nil
	}
	return nil, &BusinessCaseError{Field: name, Msg: fmt.Sprintf("unknown parameter; use %s, %s, %s or %s",
		ParamCapexPerWoning, ParamVermedenKostenPerPlek, ParamExploitatiePerWoning, ParamHorizonJaren)}
}

// Override replaces the value of the named figure (one of the Param*
// names) for use, and its provenance by source; an empty source marks the
// value as judgement. The default's note and price year no longer apply and
// are cleared; documented alternatives stay. An invalid value is a
// *BusinessCaseError whose Field is name.
func (p *BusinessCaseParams) Override(use Use, name string, v float64, source string) error {
	f, err := p.figure(use, name)
	if err != nil {
		return err
	}
	if msg := checkFigureValue(name, v); msg != "" {
		return &BusinessCaseError{Field: name, Msg: msg}
	}
	f.Value = v
	f.Source = source
	f.Judgement = source == ""
	f.PriceYear = 0
	f.Note = ""
	return nil
}

// figureMax is the largest accepted value per parameter: generous bounds
// that catch unit mistakes (cents, thousands) without judging the figure.
func figureMax(name string) float64 {
	switch name {
	case ParamCapexPerWoning:
		return 5_000_000
	case ParamHorizonJaren:
		return 100
	}
	return 1_000_000
}

// checkFigureValue returns what is wrong with v as the value of name, or "".
func checkFigureValue(name string, v float64) string {
	max := figureMax(name)
	if name == ParamHorizonJaren {
		if math.IsNaN(v) || v < 1 || v > max || v != math.Trunc(v) {
			return fmt.Sprintf("must be a whole number of years from 1 to %g, got %v", max, v)
		}
		return ""
	}
	if math.IsNaN(v) || v < 0 || v > max {
		return fmt.Sprintf("must be an amount in euros from 0 to %s, got %v", euro(max), v)
	}
	return ""
}

// Validate checks the parameters and returns BusinessCaseErrors naming every
// wrong field, e.g. "flex.capex_per_woning.source".
func (p *BusinessCaseParams) Validate() error {
	var es BusinessCaseErrors
	add := func(field, format string, a ...any) {
		es = append(es, &BusinessCaseError{Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	validateFigure(ParamVermedenKostenPerPlek, ParamVermedenKostenPerPlek, &p.AvoidedCostPerPlek, add)
	for _, u := range []struct {
		use Use
		c   *UseCosts
	}{{Flex, &p.Flex}, {Transformatie, &p.Transformatie}} {
		pre := string(u.use) + "."
		validateFigure(pre+ParamCapexPerWoning, ParamCapexPerWoning, &u.c.CapexPerUnit, add)
		validateFigure(pre+ParamExploitatiePerWoning, ParamExploitatiePerWoning, &u.c.ExploitationPerUnit, add)
		validateFigure(pre+ParamHorizonJaren, ParamHorizonJaren, &u.c.HorizonYears, add)
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

func validateFigure(field, name string, f *Figure, add func(string, string, ...any)) {
	if f.Value == 0 && f.Source == "" && !f.Judgement && f.Note == "" {
		add(field, "is missing: give value and source (or judgement: true)")
		return
	}
	if msg := checkFigureValue(name, f.Value); msg != "" {
		add(field+".value", "%s", msg)
	}
	if strings.TrimSpace(f.Source) == "" && !f.Judgement {
		add(field+".source", "is required: cite where the figure comes from, or set judgement: true when it is a judgement call")
	}
	if f.PriceYear != 0 && (f.PriceYear < 1990 || f.PriceYear > 2100) {
		add(field+".price_year", "must be a year such as 2025, got %d", f.PriceYear)
	}
	for i, a := range f.Alternatives {
		af := fmt.Sprintf("%s.alternatives[%d]", field, i)
		if msg := checkFigureValue(name, a.Value); msg != "" {
			add(af+".value", "%s", msg)
		}
		if strings.TrimSpace(a.Source) == "" {
			add(af+".source", "is required: an alternative must cite its source")
		}
		if a.PriceYear != 0 && (a.PriceYear < 1990 || a.PriceYear > 2100) {
			add(af+".price_year", "must be a year such as 2011, got %d", a.PriceYear)
		}
	}
}

// Assumption is one input of a business case with its provenance, so that
// an adviser can defend (or replace) every number.
type Assumption struct {
	// Parameter is the parameter name (override it with this name), or
	// "capacity_units" / "capacity_people" for the site's capacity.
	Parameter string  `json:"parameter"`
	Value     float64 `json:"value"`
	Unit      string  `json:"unit"`
	PriceYear int     `json:"price_year,omitempty"`
	Source    string  `json:"source"`
	Judgement bool    `json:"judgement"`
	Note      string  `json:"note,omitempty"`
	// Alternatives are other sourced values of the same figure.
	Alternatives []Alternative `json:"alternatives,omitempty"`
}

// BusinessCaseResult is the business case of one site for one use. Euro
// amounts are rounded to cents and payback to two decimals.
type BusinessCaseResult struct {
	SiteID  string `json:"id"`
	Use     Use    `json:"use"`
	Profile string `json:"profile"`
	// Eligible and Knockouts are copied from the score: an ineligible site
	// still gets a business case, flagged.
	Eligible  bool     `json:"eligible"`
	Knockouts []string `json:"knockouts"`

	Units  int `json:"units"`
	People int `json:"people"`

	CapexPerUnit        float64 `json:"capex_per_unit"`
	CapexTotal          float64 `json:"capex_total"`
	AvoidedCostPerPlek  float64 `json:"avoided_cost_per_plek"`
	AvoidedCostPerYear  float64 `json:"avoided_cost_per_year"`
	ExploitationPerUnit float64 `json:"exploitation_per_unit"`
	ExploitationPerYear float64 `json:"exploitation_per_year"`
	// NetPerYear = AvoidedCostPerYear - ExploitationPerYear.
	NetPerYear float64 `json:"net_per_year"`
	// PaybackYears = CapexTotal / NetPerYear; nil when NetPerYear <= 0.
	PaybackYears *float64 `json:"payback_years"`
	// Payback says the same in words: "5.25 years", or "niet terugverdiend"
	// with the reason.
	Payback      string `json:"payback"`
	HorizonYears int    `json:"horizon_years"`
	// PaidBackWithinHorizon is true when PaybackYears <= HorizonYears.
	PaidBackWithinHorizon bool `json:"paid_back_within_horizon"`
	// NetOverHorizon = NetPerYear × HorizonYears - CapexTotal (no discounting).
	NetOverHorizon float64 `json:"net_over_horizon"`

	// Method gives the formulas.
	Method      string       `json:"method"`
	Assumptions []Assumption `json:"assumptions"`
	// Warnings flag what an adviser must check before using the numbers.
	Warnings []string `json:"warnings"`
}

// NotPaidBack is the payback text when the net yearly benefit is not
// positive.
const NotPaidBack = "niet terugverdiend"

// BusinessCaseMethod describes the formulas of BusinessCase.
const BusinessCaseMethod = "capex_total = units × capex_per_woning; " +
	"avoided_cost_per_year = people × vermeden_kosten_per_plek; " +
	"exploitation_per_year = units × exploitatie_per_woning; " +
	"net_per_year = avoided_cost_per_year - exploitation_per_year; " +
	"payback_years = capex_total / net_per_year (none when net_per_year <= 0); " +
	"net_over_horizon = net_per_year × horizon_jaren - capex_total; " +
	"no discounting, no indexation, no rent income, no residual value"

// BusinessCase computes the business case of a scored site (criteria.md
// §9c): the investment for its capacity against the opvang costs avoided by
// the people housed, with every assumption and its source. Units and people
// come from r (the profile's capacity formulas). It fails only on invalid
// parameters or an unknown use.
func BusinessCase(r Result, p BusinessCaseParams) (BusinessCaseResult, error) {
	c, ok := p.Costs(r.Use)
	if !ok {
		return BusinessCaseResult{}, fmt.Errorf("business case of %s: use %q is not %q or %q: %w", r.SiteID, r.Use, Flex, Transformatie, ErrInvalidBusinessCase)
	}
	if err := p.Validate(); err != nil {
		return BusinessCaseResult{}, err
	}
	units, people := float64(r.CapacityUnits), float64(r.CapacityPeople)
	horizon := int(c.HorizonYears.Value)
	capex := units * c.CapexPerUnit.Value
	avoided := people * p.AvoidedCostPerPlek.Value
	expl := units * c.ExploitationPerUnit.Value
	net := avoided - expl
	out := BusinessCaseResult{
		SiteID:              r.SiteID,
		Use:                 r.Use,
		Profile:             r.Profile,
		Eligible:            r.Eligible,
		Knockouts:           append([]string{}, r.Knockouts...),
		Units:               r.CapacityUnits,
		People:              r.CapacityPeople,
		CapexPerUnit:        cents(c.CapexPerUnit.Value),
		CapexTotal:          cents(capex),
		AvoidedCostPerPlek:  cents(p.AvoidedCostPerPlek.Value),
		AvoidedCostPerYear:  cents(avoided),
		ExploitationPerUnit: cents(c.ExploitationPerUnit.Value),
		ExploitationPerYear: cents(expl),
		NetPerYear:          cents(net),
		HorizonYears:        horizon,
		NetOverHorizon:      cents(net*float64(horizon) - capex),
		Method:              BusinessCaseMethod,
		Warnings:            []string{},
	}
	switch {
	case net <= 0:
		out.Payback = NotPaidBack + ": the yearly exploitation is not below the yearly avoided cost"
		if r.CapacityUnits == 0 {
			out.Payback = NotPaidBack + ": no capacity"
		}
	default:
		years := capex / net
		y := math.Round(years*100) / 100
		out.PaybackYears = &y
		out.PaidBackWithinHorizon = years <= float64(horizon)+1e-9
		out.Payback = strconv.FormatFloat(y, 'f', 2, 64) + " years"
		if !out.PaidBackWithinHorizon {
			out.Payback += fmt.Sprintf(", after the %d-year horizon", horizon)
		}
	}
	out.Assumptions = []Assumption{
		{Parameter: "capacity_units", Value: units, Unit: "woningen", Source: r.CapacityAssumptions, Judgement: false,
			Note: "from the scoring profile " + r.Profile + "'s capacity formula"},
		{Parameter: "capacity_people", Value: people, Unit: "personen", Source: r.CapacityAssumptions,
			Note: "people housed; each avoids one opvangplek"},
		assumption(ParamCapexPerWoning, "EUR per woning", c.CapexPerUnit),
		assumption(ParamVermedenKostenPerPlek, "EUR per plek per jaar", p.AvoidedCostPerPlek),
		assumption(ParamExploitatiePerWoning, "EUR per woning per jaar", c.ExploitationPerUnit),
		assumption(ParamHorizonJaren, "jaar", c.HorizonYears),
	}
	out.Warnings = businessCaseWarnings(r, c, &p, out.Warnings)
	return out, nil
}

func assumption(name, unit string, f Figure) Assumption {
	return Assumption{Parameter: name, Value: f.Value, Unit: unit, PriceYear: f.PriceYear,
		Source: f.Source, Judgement: f.Judgement, Note: f.Note, Alternatives: f.Alternatives}
}

func businessCaseWarnings(r Result, c *UseCosts, p *BusinessCaseParams, w []string) []string {
	if !r.Eligible {
		w = append(w, "site is knocked out ("+strings.Join(r.Knockouts, "; ")+"): the business case is for comparison only")
	}
	if r.CapacityUnits == 0 {
		w = append(w, "capacity is 0 (area unknown or too small): the business case is empty; add the area to the inventory")
	}
	if r.Use == Flex && c.HorizonYears.Value > FlexPermitMaxYears {
		w = append(w, fmt.Sprintf("horizon_jaren %g exceeds the %d-year maximum of a temporary permit for flexwoningen (criteria.md §1d); a longer horizon needs a permanent permit",
			c.HorizonYears.Value, FlexPermitMaxYears))
	}
	for _, f := range []struct {
		name string
		f    *Figure
	}{{ParamCapexPerWoning, &c.CapexPerUnit}, {ParamVermedenKostenPerPlek, &p.AvoidedCostPerPlek}, {ParamExploitatiePerWoning, &c.ExploitationPerUnit}} {
		switch {
		case f.f.Judgement && f.name == ParamCapexPerWoning && r.Use == Transformatie:
			w = append(w, "capex_per_woning for transformatie has NO SOURCE: no reliable transformation cost was found (criteria.md §2d); "+
				"the value is a judgement, replace it with an estimate for this building")
		case f.f.Judgement:
			w = append(w, f.name+" is a judgement value, not a sourced figure: replace it with your own estimate")
		}
	}
	years := map[int]bool{}
	var list []string
	for _, f := range []*Figure{&c.CapexPerUnit, &p.AvoidedCostPerPlek, &c.ExploitationPerUnit} {
		if f.PriceYear != 0 && !years[f.PriceYear] {
			years[f.PriceYear] = true
			list = append(list, strconv.Itoa(f.PriceYear))
		}
	}
	if len(list) > 1 {
		w = append(w, "euro figures are from different price years ("+strings.Join(list, ", ")+") and are not indexed")
	}
	return w
}

// cents rounds a euro amount to cents.
func cents(v float64) float64 { return math.Round(v*100) / 100 }

// euro formats a whole euro amount as €1,234,567 (for messages).
func euro(v float64) string {
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-€" + b.String()
	}
	return "€" + b.String()
}
