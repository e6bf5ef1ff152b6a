package matching

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// bcParams returns the defaults with the four figures of use replaced.
func bcParams(t testing.TB, use Use, capex, avoided, expl, horizon float64) BusinessCaseParams {
	t.Helper()
	p := DefaultBusinessCaseParams()
	for _, o := range []struct {
		name string
		v    float64
	}{{ParamCapexPerWoning, capex}, {ParamVermedenKostenPerPlek, avoided}, {ParamExploitatiePerWoning, expl}, {ParamHorizonJaren, horizon}} {
		if err := p.Override(use, o.name, o.v, "test"); err != nil {
			t.Fatal(err)
		}
	}
	return p
}

func bcResult(use Use, units, people int) Result {
	return Result{SiteID: "gebouw:test:1", Use: use, Profile: string(use), Eligible: true,
		CapacityUnits: units, CapacityPeople: people, CapacityAssumptions: "units = test"}
}

func TestBusinessCaseKnownAnswers(t *testing.T) {
	pb := func(v float64) *float64 { return &v }
	for _, tt := range []struct {
		name                          string
		use                           Use
		units, people                 int
		capex, avoided, expl, horizon float64

		capexTotal, avoidedYear, explYear, net float64
		payback                                *float64
		within                                 bool
		overHorizon                            float64
	}{
		// The brief's example: 30 × 63,000 = 1,890,000; 30 × 15,000 -
		// 30 × 3,000 = 360,000 per year; 1,890,000 / 360,000 = 5.25 years;
		// 15 × 360,000 - 1,890,000 = 3,510,000.
		{"flex 30 units", Flex, 30, 30, 63000, 15000, 3000, 15,
			1890000, 450000, 90000, 360000, pb(5.25), true, 3510000},
		// 46 × 90,000 = 4,140,000; 46 × 12,000 = 552,000; 7.5 years;
		// 15 × 552,000 - 4,140,000 = 4,140,000.
		{"transformatie 46 units", Transformatie, 46, 46, 90000, 15000, 3000, 15,
			4140000, 690000, 138000, 552000, pb(7.5), true, 4140000},
		// Two persons per unit: 10 × 63,000 = 630,000; 20 × 15,000 = 300,000;
		// net 270,000; 630,000 / 270,000 = 2.333 -> 2.33; 15 × 270,000 -
		// 630,000 = 3,420,000.
		{"two persons per unit", Flex, 10, 20, 63000, 15000, 3000, 15,
			630000, 300000, 30000, 270000, pb(2.33), true, 3420000},
		// Cebeon 2011 alternative: 30 × 23,236 = 697,080; net 607,080;
		// 1,890,000 / 607,080 = 3.1133 -> 3.11; 15 × 607,080 - 1,890,000 =
		// 7,216,200.
		{"cebeon alternative", Flex, 30, 30, 63000, 23236, 3000, 15,
			1890000, 697080, 90000, 607080, pb(3.11), true, 7216200},
		// Payback after the horizon: 10 × 200,000 = 2,000,000; net 120,000;
		// 16.67 years > 10; 10 × 120,000 - 2,000,000 = -800,000.
		{"after horizon", Flex, 10, 10, 200000, 15000, 3000, 10,
			2000000, 150000, 30000, 120000, pb(16.67), false, -800000},
		// Exploitation equals avoided cost: net 0, never paid back.
		{"net zero", Transformatie, 10, 10, 90000, 3000, 3000, 15,
			900000, 30000, 30000, 0, nil, false, -900000},
		// Exploitation above avoided cost: net -20,000 per year.
		{"net negative", Transformatie, 10, 10, 90000, 1000, 3000, 15,
			900000, 10000, 30000, -20000, nil, false, -1200000},
		// No capacity: an empty business case, not paid back.
		{"no capacity", Flex, 0, 0, 63000, 15000, 3000, 15,
			0, 0, 0, 0, nil, false, 0},
		// Free capex (own modules): paid back at once.
		{"zero capex", Flex, 5, 5, 0, 15000, 3000, 15,
			0, 75000, 15000, 60000, pb(0), true, 900000},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := bcParams(t, tt.use, tt.capex, tt.avoided, tt.expl, tt.horizon)
			bc, err := BusinessCase(bcResult(tt.use, tt.units, tt.people), p)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want float64
			}{
				{"capex_total", bc.CapexTotal, tt.capexTotal},
				{"avoided_cost_per_year", bc.AvoidedCostPerYear, tt.avoidedYear},
				{"exploitation_per_year", bc.ExploitationPerYear, tt.explYear},
				{"net_per_year", bc.NetPerYear, tt.net},
				{"net_over_horizon", bc.NetOverHorizon, tt.overHorizon},
			} {
				if c.got != c.want {
					t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
				}
			}
			switch {
			case tt.payback == nil && bc.PaybackYears != nil:
				t.Errorf("payback_years = %v, want none", *bc.PaybackYears)
			case tt.payback != nil && (bc.PaybackYears == nil || *bc.PaybackYears != *tt.payback):
				t.Errorf("payback_years = %v, want %v", bc.PaybackYears, *tt.payback)
			}
			if tt.payback == nil && !strings.HasPrefix(bc.Payback, NotPaidBack) {
				t.Errorf("payback text %q, want %q", bc.Payback, NotPaidBack)
			}
			if bc.PaidBackWithinHorizon != tt.within {
				t.Errorf("paid_back_within_horizon = %v, want %v", bc.PaidBackWithinHorizon, tt.within)
			}
			if bc.HorizonYears != int(tt.horizon) || bc.Units != tt.units || bc.People != tt.people {
				t.Errorf("horizon/units/people = %d/%d/%d", bc.HorizonYears, bc.Units, bc.People)
			}
			if len(bc.Assumptions) != 6 {
				t.Errorf("%d assumptions, want 6", len(bc.Assumptions))
			}
		})
	}
}

func TestBusinessCaseDefaults(t *testing.T) {
	p := DefaultBusinessCaseParams()
	for _, tt := range []struct {
		field     string
		f         Figure
		value     float64
		year      int
		judgement bool
		cites     string
	}{
		{"vermeden_kosten_per_plek", p.AvoidedCostPerPlek, 15000, 2025, false, "Boesveldt"},
		{"flex.capex_per_woning", p.Flex.CapexPerUnit, 63000, 2018, false, "§1c"},
		{"flex.horizon_jaren", p.Flex.HorizonYears, 15, 0, false, "§1d"},
		{"flex.exploitatie_per_woning", p.Flex.ExploitationPerUnit, 3000, 2025, true, ""},
		{"transformatie.capex_per_woning", p.Transformatie.CapexPerUnit, 90000, 2025, true, ""},
		{"transformatie.exploitatie_per_woning", p.Transformatie.ExploitationPerUnit, 3000, 2025, true, ""},
		{"transformatie.horizon_jaren", p.Transformatie.HorizonYears, 15, 0, true, ""},
	} {
		if tt.f.Value != tt.value || tt.f.PriceYear != tt.year || tt.f.Judgement != tt.judgement || !strings.Contains(tt.f.Source, tt.cites) {
			t.Errorf("%s = %+v, want value %v, price year %d, judgement %v, source citing %q", tt.field, tt.f, tt.value, tt.year, tt.judgement, tt.cites)
		}
		if tt.f.Source == "" && !tt.f.Judgement {
			t.Errorf("%s has neither source nor judgement", tt.field)
		}
	}
	if !strings.Contains(p.Transformatie.CapexPerUnit.Note, "NO SOURCE") {
		t.Errorf("transformatie capex note does not say loudly that it has no source: %q", p.Transformatie.CapexPerUnit.Note)
	}
	alts := p.AvoidedCostPerPlek.Alternatives
	if len(alts) == 0 || alts[0].Value != 23236 || alts[0].PriceYear != 2011 || !strings.Contains(alts[0].Source, "Cebeon") {
		t.Errorf("avoided-cost alternatives %+v, want Cebeon 2011 €23,236 first", alts)
	}
	// DefaultBusinessCaseParams returns a fresh copy every time.
	p.Flex.CapexPerUnit.Value = 1
	if DefaultBusinessCaseParams().Flex.CapexPerUnit.Value != 63000 {
		t.Error("changing the returned defaults changed the next call's")
	}

	// The transformatie default says loudly that its capex is unsourced,
	// and mixed price years are flagged.
	bc, err := BusinessCase(bcResult(Transformatie, 10, 10), DefaultBusinessCaseParams())
	if err != nil {
		t.Fatal(err)
	}
	// The transformatie figures are all 2025: no price-year warning.
	if all := strings.Join(bc.Warnings, "\n"); !strings.Contains(all, "capex_per_woning for transformatie has NO SOURCE") || strings.Contains(all, "price years") {
		t.Errorf("transformatie warnings:\n%s", all)
	}
	bc, _ = BusinessCase(bcResult(Flex, 10, 10), DefaultBusinessCaseParams())
	if all := strings.Join(bc.Warnings, "\n"); !strings.Contains(all, "different price years (2018, 2025)") || strings.Contains(all, "NO SOURCE") {
		t.Errorf("flex warnings:\n%s", all)
	}
}

func TestBusinessCaseIneligibleAndFlags(t *testing.T) {
	r := bcResult(Flex, 30, 30)
	r.Eligible = false
	r.Knockouts = []string{"natura2000: inside a Natura 2000 area (Testnatuur)"}
	p := bcParams(t, Flex, 63000, 15000, 3000, 20)
	bc, err := BusinessCase(r, p)
	if err != nil {
		t.Fatal(err)
	}
	if bc.Eligible || len(bc.Knockouts) != 1 || bc.Knockouts[0] != r.Knockouts[0] {
		t.Errorf("eligible %v, knockouts %v: want the score's knock-outs copied", bc.Eligible, bc.Knockouts)
	}
	r.Knockouts[0] = "changed"
	if bc.Knockouts[0] == "changed" {
		t.Error("knock-outs share the score's slice")
	}
	all := strings.Join(bc.Warnings, "\n")
	for _, want := range []string{"knocked out", "exceeds the 15-year maximum"} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings lack %q:\n%s", want, all)
		}
	}
	// 20 years × 360,000 - 1,890,000.
	if bc.NetOverHorizon != 5310000 {
		t.Errorf("net over 20 years = %v, want 5310000", bc.NetOverHorizon)
	}
	// Overridden figures are user input, not the default's source.
	for _, a := range bc.Assumptions {
		if a.Parameter == ParamCapexPerWoning && (a.Source != "test" || a.PriceYear != 0 || a.Note != "") {
			t.Errorf("overridden capex assumption %+v keeps the default's provenance", a)
		}
	}

	if _, err := BusinessCase(Result{SiteID: "x", Use: "wonen"}, p); !errors.Is(err, ErrInvalidBusinessCase) {
		t.Errorf("unknown use: %v", err)
	}
}

func TestBusinessCaseJSON(t *testing.T) {
	bc, err := BusinessCase(bcResult(Flex, 0, 0), DefaultBusinessCaseParams())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(bc)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "use", "eligible", "knockouts", "units", "people", "capex_per_unit", "capex_total",
		"avoided_cost_per_plek", "avoided_cost_per_year", "exploitation_per_unit", "exploitation_per_year", "net_per_year",
		"payback_years", "payback", "horizon_years", "paid_back_within_horizon", "net_over_horizon", "method", "assumptions", "warnings"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %s: %s", k, b)
		}
	}
	if m["payback_years"] != nil {
		t.Errorf("payback_years = %v, want null when not paid back", m["payback_years"])
	}
	if ko, ok := m["knockouts"].([]any); !ok || len(ko) != 0 {
		t.Errorf("knockouts = %v, want []", m["knockouts"])
	}
}

func TestBusinessCaseParamsValidation(t *testing.T) {
	def, err := os.ReadFile("defaults/businesscase.yaml")
	if err != nil {
		t.Fatal(err)
	}
	base := string(def)
	for _, tt := range []struct {
		name, file string
		edit       func(string) string
		field      string
	}{
		{"negative capex", "bc.yaml", func(s string) string {
			return strings.Replace(s, "value: 63000", "value: -63000", 1)
		}, "flex.capex_per_woning.value"},
		{"capex in cents", "bc.yaml", func(s string) string {
			return strings.Replace(s, "value: 63000", "value: 6300000000", 1)
		}, "flex.capex_per_woning.value"},
		{"fractional horizon", "bc.yaml", func(s string) string {
			return strings.Replace(s, "  horizon_jaren:\n    value: 15\n    judgement: true", "  horizon_jaren:\n    value: 7.5\n    judgement: true", 1)
		}, "transformatie.horizon_jaren.value"},
		{"zero horizon", "bc.yaml", func(s string) string {
			return strings.Replace(s, "  horizon_jaren:\n    value: 15\n    source", "  horizon_jaren:\n    value: 0\n    source", 1)
		}, "flex.horizon_jaren.value"},
		{"no source nor judgement", "bc.yaml", func(s string) string {
			i := strings.Index(s, "transformatie:\n")
			return s[:i] + strings.Replace(s[i:], "    judgement: true\n", "", 1)
		}, "transformatie.capex_per_woning.source"},
		{"bad price year", "bc.yaml", func(s string) string {
			return strings.Replace(s, "price_year: 2018", "price_year: 18", 1)
		}, "flex.capex_per_woning.price_year"},
		{"alternative without source", "bc.yaml", func(s string) string {
			return strings.Replace(s, "    - value: 10384\n      price_year: 2011\n      source: >-\n        Cebeon 2011, MO residentieel daklozen €135M / 13,000 deelnemers,\n        same table (criteria.md §3)\n", "    - value: 10384\n", 1)
		}, "vermeden_kosten_per_plek.alternatives[1].source"},
		{"missing figure", "bc.yaml", func(s string) string {
			return s[:strings.Index(s, "  horizon_jaren:\n    value: 15\n    judgement: true")]
		}, "transformatie.horizon_jaren"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := tt.edit(base)
			if s == base {
				t.Fatal("edit did not change the file")
			}
			_, err := ParseBusinessCaseParams([]byte(s), tt.file)
			var es BusinessCaseErrors
			if !errors.As(err, &es) || !errors.Is(err, ErrInvalidBusinessCase) {
				t.Fatalf("err = %v, want BusinessCaseErrors", err)
			}
			found := false
			for _, e := range es {
				if e.Field == tt.field && e.File == tt.file {
					found = true
				}
			}
			if !found || !strings.Contains(err.Error(), "business case "+tt.file+": "+tt.field+": ") {
				t.Errorf("errors do not name %s in %s:\n%v", tt.field, tt.file, err)
			}
		})
	}

	// Unknown keys and wrong types are decode errors naming the file.
	for _, s := range []string{base + "\nrente: 3\n", strings.Replace(base, "value: 63000", "value: veel", 1)} {
		if _, err := ParseBusinessCaseParams([]byte(s), "x.yaml"); !errors.Is(err, ErrInvalidBusinessCase) || !strings.Contains(err.Error(), "x.yaml") {
			t.Errorf("decode error %v", err)
		}
	}
}

func TestLoadBusinessCaseParamsJSONRoundTrip(t *testing.T) {
	p := DefaultBusinessCaseParams()
	if err := p.Override(Transformatie, ParamCapexPerWoning, 120000, "raming architect 2026"); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bc.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	q, err := LoadBusinessCaseParams(path)
	if err != nil {
		t.Fatal(err)
	}
	if q.Transformatie.CapexPerUnit.Value != 120000 || q.Transformatie.CapexPerUnit.Source != "raming architect 2026" || q.Transformatie.CapexPerUnit.Judgement {
		t.Errorf("round trip lost the override: %+v", q.Transformatie.CapexPerUnit)
	}
	if !reflect.DeepEqual(q.Flex, p.Flex) || !reflect.DeepEqual(q.AvoidedCostPerPlek, p.AvoidedCostPerPlek) {
		t.Errorf("round trip changed the flex capex or alternatives")
	}
	if _, err := LoadBusinessCaseParams(filepath.Join(t.TempDir(), "nope.yaml")); err == nil || !strings.Contains(err.Error(), "nope.yaml") {
		t.Errorf("missing file: %v", err)
	}
}

func TestBusinessCaseOverrideErrors(t *testing.T) {
	p := DefaultBusinessCaseParams()
	for _, tt := range []struct {
		use   Use
		name  string
		v     float64
		field string
	}{
		{Flex, ParamCapexPerWoning, -1, ParamCapexPerWoning},
		{Flex, ParamVermedenKostenPerPlek, math.NaN(), ParamVermedenKostenPerPlek},
		{Transformatie, ParamExploitatiePerWoning, math.Inf(1), ParamExploitatiePerWoning},
		{Transformatie, ParamHorizonJaren, 0, ParamHorizonJaren},
		{Transformatie, ParamHorizonJaren, 101, ParamHorizonJaren},
		{Flex, "rente", 3, "rente"},
		{"wonen", ParamCapexPerWoning, 1, "use"},
	} {
		err := p.Override(tt.use, tt.name, tt.v, "")
		var e *BusinessCaseError
		if !errors.As(err, &e) || e.Field != tt.field || !errors.Is(err, ErrInvalidBusinessCase) {
			t.Errorf("Override(%s, %s, %v) = %v, want an error on %s", tt.use, tt.name, tt.v, err, tt.field)
		}
	}
	if p.Flex.CapexPerUnit.Value != 63000 || p.Transformatie.HorizonYears.Value != 15 {
		t.Error("a failed override changed the parameters")
	}
	// An override without a source is a judgement.
	if err := p.Override(Flex, ParamHorizonJaren, 10, ""); err != nil || !p.Flex.HorizonYears.Judgement || p.Transformatie.HorizonYears.Value != 15 {
		t.Errorf("override: %v, %+v", err, p.Flex.HorizonYears)
	}
}

func TestEuro(t *testing.T) {
	for v, want := range map[float64]string{0: "€0", 999: "€999", 1000: "€1,000", 1890000: "€1,890,000", -5000: "-€5,000"} {
		if got := euro(v); got != want {
			t.Errorf("euro(%v) = %q, want %q", v, got, want)
		}
	}
}

func FuzzParseBusinessCaseParams(f *testing.F) {
	def, err := os.ReadFile("defaults/businesscase.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(def)
	f.Add([]byte(`{"vermeden_kosten_per_plek":{"value":1,"judgement":true}}`))
	f.Add([]byte("flex: {capex_per_woning: {value: 1e308, judgement: true}}"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"f.yaml", "f.json"} {
			p, err := ParseBusinessCaseParams(b, name)
			if err != nil {
				continue
			}
			for _, use := range []Use{Flex, Transformatie} {
				bc, err := BusinessCase(bcResult(use, 1000, 2000), p)
				if err != nil {
					t.Fatalf("valid parameters gave %v", err)
				}
				for _, v := range []float64{bc.CapexTotal, bc.NetPerYear, bc.NetOverHorizon} {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("non-finite output %+v", bc)
					}
				}
			}
		}
	})
}

func ExampleBusinessCase() {
	// 30 flexwoningen on a plot of 1 ha (30 per ha, one person each).
	r := Result{SiteID: "kavel:gemeente:K-1", Use: Flex, Profile: "flexwonen", Eligible: true,
		CapacityUnits: 30, CapacityPeople: 30}
	p := DefaultBusinessCaseParams() // €63,000 capex (2018), €15,000 avoided (2025)
	_ = p.Override(Flex, ParamExploitatiePerWoning, 3000, "")
	bc, err := BusinessCase(r, p)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("capex %s, net %s per year, payback %s, over %d years %s\n",
		euro(bc.CapexTotal), euro(bc.NetPerYear), bc.Payback, bc.HorizonYears, euro(bc.NetOverHorizon))
	// Output: capex €1,890,000, net €360,000 per year, payback 5.25 years, over 15 years €3,510,000
}
