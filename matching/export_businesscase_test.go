package matching

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

func bcExportFixture() ([]Result, []store.Site) {
	results := []Result{
		{SiteID: "kavel:g:K-1", SiteKind: store.Kavel, Use: Flex, Profile: "flexwonen", Score: 80, Eligible: true,
			CapacityUnits: 30, CapacityPeople: 30, Centrumgemeente: "GM0344", RankInRegion: 1,
			Criteria: []CriterionResult{{Name: "ov", Value: 120, Unit: "m", Normalised: 100, Weight: 100, Contribution: 80}}},
		{SiteID: "kavel:g:K-2", SiteKind: store.Kavel, Use: Flex, Profile: "flexwonen", Score: 60, Eligible: false,
			Knockouts: []string{"natura2000: inside a Natura 2000 area (Testnatuur)"}, Centrumgemeente: "GM0344"},
	}
	sites := []store.Site{
		{ID: "kavel:g:K-1", Kind: store.Kavel, Name: "Kavel; \"Utrecht\"", Geometry: orb.Point{135050, 457050}},
		{ID: "kavel:g:K-2", Kind: store.Kavel, Name: "Kavel Natuur"},
	}
	return results, sites
}

func TestWriteCSVWithBusinessCase(t *testing.T) {
	results, sites := bcExportFixture()
	p := bcParams(t, Flex, 63000, 15000, 3000, 15)

	var base, plain, with bytes.Buffer
	if err := WriteCSV(&base, results, sites); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSVWith(&plain, results, sites, ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if plain.String() != base.String() {
		t.Error("WriteCSVWith without options differs from WriteCSV")
	}
	if err := WriteCSVWith(&with, results, sites, ExportOptions{BusinessCase: &p}); err != nil {
		t.Fatal(err)
	}
	s := with.String()
	if !strings.HasPrefix(s, "\ufeff") || !strings.Contains(s, "\r\n") {
		t.Errorf("not an Excel CSV (BOM, CRLF): %.80q", s)
	}
	cr := csv.NewReader(strings.NewReader(strings.TrimPrefix(s, "\ufeff")))
	cr.Comma = ';'
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	br := csv.NewReader(strings.NewReader(strings.TrimPrefix(base.String(), "\ufeff")))
	br.Comma = ';'
	baseRows, err := br.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || len(rows[0]) != len(baseRows[0])+len(businessCaseColumns) {
		t.Fatalf("%d rows of %d columns, want 3 of %d+%d", len(rows), len(rows[0]), len(baseRows[0]), len(businessCaseColumns))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, tt := range []struct {
		row       int
		col, want string
	}{
		{1, "naam", "Kavel; \"Utrecht\""}, // base columns survive the re-read
		{1, "ov_value", "120"},
		{1, "bc_capex_total", "1890000"},
		{1, "bc_net_per_year", "360000"},
		{1, "bc_payback_years", "5,25"},
		{1, "bc_paid_back_within_horizon", "ja"},
		{1, "bc_net_over_horizon", "3510000"},
		{1, "bc_horizon_years", "15"},
		{2, "eligible", "nee"},
		{2, "bc_capex_total", "0"},
		{2, "bc_payback_years", ""},
		{2, "bc_paid_back_within_horizon", "nee"},
	} {
		if got := rows[tt.row][col[tt.col]]; got != tt.want {
			t.Errorf("row %d %s = %q, want %q", tt.row, tt.col, got, tt.want)
		}
	}
	if a := rows[1][col["bc_assumptions"]]; !strings.Contains(a, "capex_per_woning = 63000 EUR per woning (source: test)") ||
		!strings.Contains(a, "vermeden_kosten_per_plek = 15000") {
		t.Errorf("bc_assumptions = %q", a)
	}
	if w := rows[2][col["bc_warnings"]]; !strings.Contains(w, "knocked out") || !strings.Contains(w, "capacity is 0") {
		t.Errorf("bc_warnings of the knocked-out site = %q", w)
	}

	bad := p
	bad.Flex.CapexPerUnit.Value = -1
	var out bytes.Buffer
	if err := WriteCSVWith(&out, results, sites, ExportOptions{BusinessCase: &bad}); !errors.Is(err, ErrInvalidBusinessCase) || out.Len() != 0 {
		t.Errorf("invalid parameters: err %v, wrote %d bytes", err, out.Len())
	}
}

func TestWriteGeoJSONWithBusinessCase(t *testing.T) {
	results, sites := bcExportFixture()
	p := DefaultBusinessCaseParams()

	var base, with bytes.Buffer
	if err := WriteGeoJSON(&base, results, sites); err != nil {
		t.Fatal(err)
	}
	if err := WriteGeoJSONWith(&with, results, sites, ExportOptions{BusinessCase: &p}); err != nil {
		t.Fatal(err)
	}
	type fc struct {
		Type     string `json:"type"`
		Features []struct {
			ID         string          `json:"id"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		} `json:"features"`
	}
	var a, b fc
	if err := json.Unmarshal(base.Bytes(), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(with.Bytes(), &b); err != nil {
		t.Fatal(err)
	}
	if b.Type != "FeatureCollection" || len(b.Features) != 2 {
		t.Fatalf("got %s with %d features", b.Type, len(b.Features))
	}
	for i := range a.Features {
		fa, fb := a.Features[i], b.Features[i]
		if fa.ID != fb.ID || string(fa.Geometry) != string(fb.Geometry) {
			t.Errorf("feature %d: id/geometry changed: %s %s / %s %s", i, fa.ID, fa.Geometry, fb.ID, fb.Geometry)
		}
		for k, v := range fa.Properties {
			if ja, _ := json.Marshal(v); string(ja) != mustJSON(t, fb.Properties[k]) {
				t.Errorf("feature %s property %s changed", fa.ID, k)
			}
		}
	}
	p1 := b.Features[0].Properties
	// 30 × 63,000; 30 × (15,000 - 3,000) = 360,000; 5.25 years.
	if p1["bc_capex_total"] != 1890000.0 || p1["bc_net_per_year"] != 360000.0 || p1["bc_payback_years"] != 5.25 || p1["bc_horizon_years"] != 15.0 {
		t.Errorf("business case properties %v", p1)
	}
	if as, ok := p1["bc_assumptions"].([]any); !ok || len(as) != 6 {
		t.Errorf("bc_assumptions = %v", p1["bc_assumptions"])
	}
	if p2 := b.Features[1].Properties; p2["bc_payback_years"] != nil || p2["eligible"] != false {
		t.Errorf("knocked-out site: payback %v, eligible %v", p2["bc_payback_years"], p2["eligible"])
	}
	if string(b.Features[1].Geometry) != "null" {
		t.Errorf("site without geometry: %s", b.Features[1].Geometry)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
