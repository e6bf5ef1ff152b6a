package matching

import (
	"fmt"
	"math"
	"strings"

	"github.com/plekwijzer/plekwijzer/store"
)

// Capacity holds the parameters of the capacity formulas. Zero fields take
// the documented defaults below.
//
// Flexwoningen (criteria.md §1b, §9a F1):
//
//	units  = floor(plot_area_m2 × usable_fraction / 10,000 × units_per_ha)
//
// with units_per_ha = 30 (Zayaz, 's-Hertogenbosch Noordoosthoek: 200
// flexwoningen at 30 woningen/ha, a gross density that already includes
// access roads and spacing) and usable_fraction = 1.0 (judgement: because 30/ha
// is gross, no further deduction; lower it for plots with unusable parts).
//
// Transformatie (criteria.md §2b, §9b T1):
//
//	gbo    = floor area if given as GBO, else BVO × gbo_per_bvo
//	units  = floor(gbo × efficiency / unit_m2)
//
// with efficiency = 0.70 (net/gross after corridors and shafts, judgement,
// criteria.md §2b gives 0.65-0.75), unit_m2 = 30 (judgement within the CBS
// 15-50 m² typical range) and gbo_per_bvo = 0.80 (judgement: GBO is
// typically 75-85% of BVO for offices; NEN 2580 defines both, the ratio is
// not sourced in criteria.md). A gebouw whose area kind is not given is
// treated as BVO (the conservative reading).
//
// People (both uses):
//
//	people = floor(units × persons_per_unit)
//
// with persons_per_unit = 1 (judgement: single-person units for zelfredzame
// dak- en thuislozen; set it per doelgroep in the profile).
type Capacity struct {
	UnitsPerHa     float64 `yaml:"units_per_ha,omitempty" json:"units_per_ha,omitempty"`
	UsableFraction float64 `yaml:"usable_fraction,omitempty" json:"usable_fraction,omitempty"`
	GBOPerBVO      float64 `yaml:"gbo_per_bvo,omitempty" json:"gbo_per_bvo,omitempty"`
	Efficiency     float64 `yaml:"efficiency,omitempty" json:"efficiency,omitempty"`
	UnitM2         float64 `yaml:"unit_m2,omitempty" json:"unit_m2,omitempty"`
	PersonsPerUnit float64 `yaml:"persons_per_unit,omitempty" json:"persons_per_unit,omitempty"`
	Source         string  `yaml:"source,omitempty" json:"source,omitempty"`
	Judgement      bool    `yaml:"judgement,omitempty" json:"judgement,omitempty"`
}

// Capacity defaults; see Capacity.
const (
	DefaultUnitsPerHa     = 30.0
	DefaultUsableFraction = 1.0
	DefaultGBOPerBVO      = 0.80
	DefaultEfficiency     = 0.70
	DefaultUnitM2         = 30.0
	DefaultPersonsPerUnit = 1.0
)

func orDefault(v, d float64) float64 {
	if v == 0 {
		return d
	}
	return v
}

// Resolved returns c with every zero field replaced by its default.
func (c Capacity) Resolved() Capacity {
	c.UnitsPerHa = orDefault(c.UnitsPerHa, DefaultUnitsPerHa)
	c.UsableFraction = orDefault(c.UsableFraction, DefaultUsableFraction)
	c.GBOPerBVO = orDefault(c.GBOPerBVO, DefaultGBOPerBVO)
	c.Efficiency = orDefault(c.Efficiency, DefaultEfficiency)
	c.UnitM2 = orDefault(c.UnitM2, DefaultUnitM2)
	c.PersonsPerUnit = orDefault(c.PersonsPerUnit, DefaultPersonsPerUnit)
	return c
}

func (c Capacity) validate(_ Use, add func(string, string, ...any)) {
	check := func(name string, v float64, max float64) {
		if math.IsNaN(v) || v < 0 || v > max {
			add("capacity."+name, "must be between 0 (default) and %v, got %v", max, v)
		}
	}
	check("units_per_ha", c.UnitsPerHa, 1000)
	check("usable_fraction", c.UsableFraction, 1)
	check("gbo_per_bvo", c.GBOPerBVO, 1)
	check("efficiency", c.Efficiency, 1)
	check("unit_m2", c.UnitM2, 10000)
	check("persons_per_unit", c.PersonsPerUnit, 100)
	if c.UnitM2 > 0 && c.UnitM2 < 18 {
		add("capacity.unit_m2", "must be at least 18 m² (Bbl: a dwelling needs ≥ 18 m² verblijfsgebied), got %v", c.UnitM2)
	}
}

// FlexUnits returns the flexwoningen units on a plot of plotM2 m².
func (c Capacity) FlexUnits(plotM2 float64) int {
	r := c.Resolved()
	return int(math.Floor(plotM2*r.UsableFraction/10000*r.UnitsPerHa + 1e-9))
}

// GBO converts a floor area of the given kind (store.AreaGBO, store.AreaBVO,
// or "" read as BVO) to gebruiksoppervlakte. It reports false for other kinds.
func (c Capacity) GBO(areaM2 float64, kind string) (float64, bool) {
	switch kind {
	case store.AreaGBO:
		return areaM2, true
	case store.AreaBVO, "":
		return areaM2 * c.Resolved().GBOPerBVO, true
	}
	return 0, false
}

// TransformatieUnits returns the units from a GBO of gboM2 m².
func (c Capacity) TransformatieUnits(gboM2 float64) int {
	r := c.Resolved()
	return int(math.Floor(gboM2*r.Efficiency/r.UnitM2 + 1e-9))
}

// People returns the number of people housed in units.
func (c Capacity) People(units int) int {
	return int(math.Floor(float64(units)*c.Resolved().PersonsPerUnit + 1e-9))
}

// Assumptions describes the formula and parameters for use, for the
// capacity_assumptions output field.
func (c Capacity) Assumptions(use Use) string {
	r := c.Resolved()
	var b strings.Builder
	if use == Flex {
		fmt.Fprintf(&b, "units = floor(plot m² × %.2f usable / 10000 × %g units/ha)", r.UsableFraction, r.UnitsPerHa)
	} else {
		fmt.Fprintf(&b, "units = floor(GBO m² × %.2f efficiency / %g m² per unit); GBO = BVO × %.2f when the area is BVO or unspecified", r.Efficiency, r.UnitM2, r.GBOPerBVO)
	}
	fmt.Fprintf(&b, "; people = floor(units × %g persons per unit)", r.PersonsPerUnit)
	if c.Source != "" {
		b.WriteString("; source: " + c.Source)
	}
	return b.String()
}
