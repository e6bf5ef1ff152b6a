package api

import (
	"encoding/csv"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

type businessCaseJSON struct {
	ID                    string   `json:"id"`
	Use                   string   `json:"use"`
	Eligible              bool     `json:"eligible"`
	Knockouts             []string `json:"knockouts"`
	Units                 int      `json:"units"`
	People                int      `json:"people"`
	CapexPerUnit          float64  `json:"capex_per_unit"`
	CapexTotal            float64  `json:"capex_total"`
	AvoidedCostPerYear    float64  `json:"avoided_cost_per_year"`
	ExploitationPerYear   float64  `json:"exploitation_per_year"`
	NetPerYear            float64  `json:"net_per_year"`
	PaybackYears          *float64 `json:"payback_years"`
	Payback               string   `json:"payback"`
	HorizonYears          int      `json:"horizon_years"`
	PaidBackWithinHorizon bool     `json:"paid_back_within_horizon"`
	NetOverHorizon        float64  `json:"net_over_horizon"`
	Assumptions           []struct {
		Parameter string  `json:"parameter"`
		Value     float64 `json:"value"`
		PriceYear int     `json:"price_year"`
		Source    string  `json:"source"`
		Judgement bool    `json:"judgement"`
	} `json:"assumptions"`
	Warnings []string `json:"warnings"`
}

func TestDomainBusinessCase(t *testing.T) {
	f := newDomainFixture(t)
	bc := func(t *testing.T, id, query string) businessCaseJSON {
		t.Helper()
		rec := get(t, f.h(), "/locaties/"+id+"/businesscase"+query)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s%s: %d %s", id, query, rec.Code, rec.Body.String())
		}
		return decode[businessCaseJSON](t, rec)
	}
	near := func(a, b float64) bool { return math.Abs(a-b) < 0.005 }

	t.Run("kavel defaults", func(t *testing.T) {
		// K-1: 1 ha at 30/ha = 30 flexwoningen, 30 people. 30 × €63,000 =
		// 1,890,000; 30 × (15,000 - 3,000) = 360,000 per year; 5.25 years;
		// 15 × 360,000 - 1,890,000 = 3,510,000.
		v := bc(t, idK1, "")
		if v.Use != "flex" || v.Units != 30 || v.People != 30 || !v.Eligible {
			t.Fatalf("use %s, units %d, people %d, eligible %v", v.Use, v.Units, v.People, v.Eligible)
		}
		if v.CapexTotal != 1890000 || v.NetPerYear != 360000 || v.PaybackYears == nil || *v.PaybackYears != 5.25 ||
			v.HorizonYears != 15 || v.NetOverHorizon != 3510000 || !v.PaidBackWithinHorizon {
			t.Errorf("business case %+v", v)
		}
		var capex bool
		for _, a := range v.Assumptions {
			if a.Parameter == "capex_per_woning" {
				capex = a.Value == 63000 && a.PriceYear == 2018 && strings.Contains(a.Source, "§1c") && !a.Judgement
			}
		}
		if !capex {
			t.Errorf("capex assumption lacks the 2018 Aedes/CBS source: %+v", v.Assumptions)
		}
	})

	t.Run("overrides", func(t *testing.T) {
		// 30 × 100,000 = 3,000,000; 30 × (23,236 - 5,000) = 547,080 per
		// year; 3,000,000 / 547,080 = 5.4837 -> 5.48; 10 × 547,080 -
		// 3,000,000 = 2,470,800.
		q := url.Values{"gebruik": {"flex"}, "capex_per_woning": {"100.000"}, "vermeden_kosten_per_plek": {"23236"},
			"exploitatie_per_woning": {"5000,00"}, "horizon_jaren": {"10"}}
		v := bc(t, idK1, "?"+q.Encode())
		if v.CapexTotal != 3000000 || v.NetPerYear != 547080 || v.PaybackYears == nil || *v.PaybackYears != 5.48 ||
			v.NetOverHorizon != 2470800 || v.HorizonYears != 10 {
			t.Errorf("business case %+v", v)
		}
		for _, a := range v.Assumptions {
			if strings.HasPrefix(a.Parameter, "capacity_") {
				continue
			}
			if !strings.Contains(a.Source, "query parameter "+a.Parameter) || a.PriceYear != 0 {
				t.Errorf("overridden %s keeps the default provenance: %+v", a.Parameter, a)
			}
		}
	})

	t.Run("gebouw transformatie", func(t *testing.T) {
		// U-1: BVO 2000 × 0.80 = 1600 GBO × 0.70 / 30 = 37 units. 37 ×
		// 90,000 = 3,330,000; 37 × 12,000 = 444,000; 7.5 years.
		v := bc(t, idU1, "")
		if v.Use != "transformatie" || v.Units != 37 || v.CapexTotal != 3330000 || v.NetPerYear != 444000 ||
			v.PaybackYears == nil || !near(*v.PaybackYears, 7.5) {
			t.Errorf("business case %+v", v)
		}
		if !strings.Contains(strings.Join(v.Warnings, "\n"), "NO SOURCE") {
			t.Errorf("the judgement transformatie capex is not flagged: %v", v.Warnings)
		}
	})

	t.Run("knocked out and not paid back", func(t *testing.T) {
		v := bc(t, idK2, "?exploitatie_per_woning=20000")
		if v.Eligible || len(v.Knockouts) == 0 || v.PaybackYears != nil || !strings.HasPrefix(v.Payback, "niet terugverdiend") {
			t.Errorf("K-2: %+v", v)
		}
		if !strings.Contains(strings.Join(v.Warnings, "\n"), "knocked out") {
			t.Errorf("warnings %v", v.Warnings)
		}
	})

	t.Run("csv", func(t *testing.T) {
		rec := get(t, f.h(), "/locaties/"+idK1+"/businesscase?f=csv")
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
			t.Fatalf("%d %s", rec.Code, rec.Header().Get("Content-Type"))
		}
		body := rec.Body.String()
		if !strings.HasPrefix(body, "\ufeff") {
			t.Error("no BOM")
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff")))
		r.Comma = ';'
		rows, err := r.ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		var alternatives int
		for _, row := range rows {
			got[row[0]+"/"+row[1]] = row
			if row[0] == "alternatief" {
				alternatives++
			}
		}
		for key, want := range map[string]string{
			"uitkomst/capex_total":           "1890000",
			"uitkomst/payback_years":         "5,25",
			"uitkomst/net_over_horizon":      "3510000",
			"aanname/capex_per_woning":       "63000",
			"aanname/horizon_jaren":          "15",
			"aanname/capacity_units":         "30",
			"uitkomst/eligible":              "ja",
			"aanname/exploitatie_per_woning": "3000",
		} {
			if row, ok := got[key]; !ok || row[2] != want {
				t.Errorf("%s = %v, want %s", key, row, want)
			}
		}
		if row := got["aanname/capex_per_woning"]; row[4] != "2018" || !strings.Contains(row[5], "Telegraaf") || row[6] != "nee" {
			t.Errorf("capex row %v lacks price year/source", row)
		}
		if row := got["aanname/exploitatie_per_woning"]; row[6] != "ja" {
			t.Errorf("exploitatie row %v is not marked as judgement", row)
		}
		if alternatives != 2 {
			t.Errorf("%d alternative rows, want the two Cebeon figures", alternatives)
		}
	})

	for _, tt := range []struct{ query, param string }{
		{"capex_per_woning=veel", "capex_per_woning"},
		{"capex_per_woning=-5", "capex_per_woning"},
		{"capex_per_woning=", "capex_per_woning"},
		{"capex_per_woning=9000000000", "capex_per_woning"},
		{"vermeden_kosten_per_plek=NaN", "vermeden_kosten_per_plek"},
		{"exploitatie_per_woning=1.2.3,4,5", "exploitatie_per_woning"},
		{"horizon_jaren=7.5", "horizon_jaren"},
		{"horizon_jaren=0", "horizon_jaren"},
		{"horizon_jaren=500", "horizon_jaren"},
		{"gebruik=wonen", "gebruik"},
		{"gebruik=transformatie", "gebruik"}, // a kavel is not scored for transformatie
		{"rente=3", "rente"},
		{"f=html", "f"},
	} {
		rec := get(t, f.h(), "/locaties/"+idK1+"/businesscase?"+tt.query)
		t.Run(tt.query, func(t *testing.T) { wantProblem(t, rec, http.StatusBadRequest, tt.param) })
	}
	wantProblem(t, get(t, f.h(), "/locaties/nergens/businesscase"), http.StatusNotFound, "")
}

func TestParseEuro(t *testing.T) {
	for in, want := range map[string]float64{
		"63000": 63000, "63.000": 63000, "63,000": 63000, "€ 63.000": 63000, "63000,50": 63000.5,
		"63.000,50": 63000.5, "63,000.50": 63000.5, "1.234.567": 1234567, "12,5": 12.5, "12.5": 12.5, "0": 0,
	} {
		got, err := parseEuro(in)
		if err != nil || got != want {
			t.Errorf("parseEuro(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "veel", "-1", "Inf", "NaN", "1,2,3.4.5"} {
		if v, err := parseEuro(in); err == nil {
			t.Errorf("parseEuro(%q) = %v, want an error", in, v)
		}
	}
}

func FuzzParseEuro(f *testing.F) {
	for _, s := range []string{"63000", "63.000,50", "€ 1.234.567", "1e5", "-0", ",", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseEuro(s)
		if err == nil && (v < 0 || math.IsNaN(v) || math.IsInf(v, 0)) {
			t.Fatalf("parseEuro(%q) = %v", s, v)
		}
	})
}
