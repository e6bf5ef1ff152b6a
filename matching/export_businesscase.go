package matching

import (
	"fmt"
	"strconv"
	"strings"
)

// ExportOptions adds optional output to WriteCSVWith and WriteGeoJSONWith.
// The zero value writes exactly what WriteCSV and WriteGeoJSON write.
type ExportOptions struct {
	// BusinessCase, when set, adds the business case of every result under
	// these parameters (see BusinessCase) as bc_* columns / properties.
	BusinessCase *BusinessCaseParams
}

// businessCaseColumns are the extra CSV columns, in order.
var businessCaseColumns = []string{
	"bc_capex_per_unit", "bc_capex_total", "bc_avoided_cost_per_plek", "bc_avoided_cost_per_year",
	"bc_exploitation_per_unit", "bc_exploitation_per_year", "bc_net_per_year", "bc_payback_years",
	"bc_payback", "bc_horizon_years", "bc_paid_back_within_horizon", "bc_net_over_horizon",
	"bc_assumptions", "bc_warnings",
}

// String is the assumption in one line, e.g. "capex_per_woning = 63000 EUR
// per woning (price year 2018; source: ...)".
func (a Assumption) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s = %s %s (", a.Parameter, strconv.FormatFloat(a.Value, 'f', -1, 64), a.Unit)
	if a.PriceYear != 0 {
		fmt.Fprintf(&b, "price year %d; ", a.PriceYear)
	}
	switch {
	case a.Source != "" && a.Judgement:
		b.WriteString("judgement: " + a.Source)
	case a.Source != "":
		b.WriteString("source: " + a.Source)
	default:
		b.WriteString("judgement, no source")
	}
	b.WriteByte(')')
	return strings.Join(strings.Fields(b.String()), " ")
}

// parameterSummary joins the business-case parameters (not the capacity,
// which has its own columns) for one export cell.
func parameterSummary(bc *BusinessCaseResult) string {
	var parts []string
	for _, a := range bc.Assumptions {
		if strings.HasPrefix(a.Parameter, "capacity_") {
			continue
		}
		parts = append(parts, a.String())
	}
	return strings.Join(parts, " | ")
}

// businessCases computes the business case of every result, or returns nil
// when p is nil.
func businessCases(results []Result, p *BusinessCaseParams) ([]BusinessCaseResult, error) {
	if p == nil {
		return nil, nil
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	out := make([]BusinessCaseResult, len(results))
	for i := range results {
		bc, err := BusinessCase(results[i], *p)
		if err != nil {
			return nil, err
		}
		out[i] = bc
	}
	return out, nil
}

// businessCaseRow is the CSV cells of businessCaseColumns: euro amounts with
// a decimal comma, bc_payback_years empty when not paid back, ja/nee for
// bc_paid_back_within_horizon, and the parameters with their sources and the
// warnings joined with " | ".
func businessCaseRow(bc *BusinessCaseResult) []string {
	payback := ""
	if bc.PaybackYears != nil {
		payback = nl(*bc.PaybackYears, -1)
	}
	return []string{nl(bc.CapexPerUnit, -1), nl(bc.CapexTotal, -1), nl(bc.AvoidedCostPerPlek, -1), nl(bc.AvoidedCostPerYear, -1),
		nl(bc.ExploitationPerUnit, -1), nl(bc.ExploitationPerYear, -1), nl(bc.NetPerYear, -1), payback,
		bc.Payback, strconv.Itoa(bc.HorizonYears), jaNee(bc.PaidBackWithinHorizon), nl(bc.NetOverHorizon, -1),
		parameterSummary(bc), strings.Join(bc.Warnings, " | ")}
}

// businessCaseProperties is the GeoJSON properties of a business case: the
// fields of BusinessCaseResult with a bc_ prefix (bc_payback_years null when
// not paid back), bc_assumptions (with sources) and bc_warnings.
func businessCaseProperties(bc *BusinessCaseResult) map[string]any {
	return map[string]any{
		"bc_capex_per_unit": bc.CapexPerUnit, "bc_capex_total": bc.CapexTotal,
		"bc_avoided_cost_per_plek": bc.AvoidedCostPerPlek, "bc_avoided_cost_per_year": bc.AvoidedCostPerYear,
		"bc_exploitation_per_unit": bc.ExploitationPerUnit, "bc_exploitation_per_year": bc.ExploitationPerYear,
		"bc_net_per_year": bc.NetPerYear, "bc_payback_years": bc.PaybackYears, "bc_payback": bc.Payback,
		"bc_horizon_years": bc.HorizonYears, "bc_paid_back_within_horizon": bc.PaidBackWithinHorizon,
		"bc_net_over_horizon": bc.NetOverHorizon, "bc_assumptions": bc.Assumptions, "bc_warnings": bc.Warnings,
	}
}
