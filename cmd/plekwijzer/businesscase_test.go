package main

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestExportBusinessCase(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if code, out, errOut := plek(t, "import", "gebouwen", writeFile(t, "rvb.csv", inventory), "--db", db); code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	croeselaan := store.SiteID(store.Gebouw, "rvb", "2201-0001")

	// CSV with the default parameters. Croeselaan: BVO 12,500.5 × 0.80 =
	// 10,000.4 GBO × 0.70 / 30 = 233 units. 233 × €90,000 = 20,970,000;
	// 233 × (15,000 - 3,000) = 2,796,000 per year; 7.5 years.
	csvPath := filepath.Join(dir, "bc.csv")
	if code, _, errOut := plek(t, "export", "--db", db, "--gebruik", "transformatie", "--businesscase", "-o", csvPath); code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"score", "capacity_units", "bc_capex_total", "bc_net_per_year", "bc_payback_years", "bc_net_over_horizon", "bc_assumptions", "bc_warnings"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("CSV lacks column %s: %v", h, rows[0])
		}
	}
	var found bool
	for _, row := range rows[1:] {
		if row[col["id"]] != croeselaan {
			continue
		}
		found = true
		for c, want := range map[string]string{"capacity_units": "233", "bc_capex_total": "20970000", "bc_net_per_year": "2796000", "bc_payback_years": "7,5"} {
			if row[col[c]] != want {
				t.Errorf("%s = %q, want %q", c, row[col[c]], want)
			}
		}
		if !strings.Contains(row[col["bc_warnings"]], "NO SOURCE") {
			t.Errorf("bc_warnings %q do not flag the unsourced transformatie capex", row[col["bc_warnings"]])
		}
	}
	if !found {
		t.Fatalf("no row for %s", croeselaan)
	}

	// GeoJSON with a parameter file: €120,000 per woning, 10 years.
	// 233 × 120,000 = 27,960,000; 10 × 2,796,000 - 27,960,000 = 0.
	def, err := os.ReadFile(filepath.Join("..", "..", "matching", "defaults", "businesscase.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	params := strings.Replace(string(def), "value: 90000", "value: 120000", 1)
	params = strings.Replace(params, "  horizon_jaren:\n    value: 15\n    judgement: true", "  horizon_jaren:\n    value: 10\n    judgement: true", 1)
	geoPath := filepath.Join(dir, "bc.geojson")
	if code, _, errOut := plek(t, "export", "--db", db, "--gebruik", "transformatie", "--businesscase-params", writeFile(t, "bc.yaml", params), "-o", geoPath); code != exitOK {
		t.Fatalf("export geojson: exit %d\n%s", code, errOut)
	}
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	if b, err = os.ReadFile(geoPath); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 3 {
		t.Fatalf("%d features, want 3", len(fc.Features))
	}
	for _, f := range fc.Features {
		if f.ID != croeselaan {
			continue
		}
		p := f.Properties
		if p["bc_capex_total"] != 27960000.0 || p["bc_horizon_years"] != 10.0 || p["bc_net_over_horizon"] != 0.0 || p["bc_payback_years"] != 10.0 {
			t.Errorf("business case properties: capex %v, horizon %v, net over horizon %v, payback %v",
				p["bc_capex_total"], p["bc_horizon_years"], p["bc_net_over_horizon"], p["bc_payback_years"])
		}
	}

	// Without the flag the export has no business-case columns.
	if code, _, errOut := plek(t, "export", "--db", db, "--gebruik", "transformatie", "-o", csvPath); code != exitOK {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	if b, _ := os.ReadFile(csvPath); strings.Contains(string(b), "bc_capex_total") {
		t.Error("business-case columns without --businesscase")
	}

	// A bad parameter file is an error naming the file and the field.
	bad := writeFile(t, "slecht.yaml", strings.Replace(string(def), "value: 63000", "value: -1", 1))
	code, _, errOut := plek(t, "export", "--db", db, "--gebruik", "flex", "--businesscase-params", bad, "-o", csvPath)
	if code == exitOK || !strings.Contains(errOut, "slecht.yaml") || !strings.Contains(errOut, "flex.capex_per_woning.value") {
		t.Errorf("bad parameter file: exit %d\n%s", code, errOut)
	}
}
