package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestScoreStoresScoresAndExportWritesRankedCandidates(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "t.db")
	if code, out, errOut := plek(t, "import", "gebouwen", writeFile(t, "rvb.csv", inventory), "--db", db); code != exitOK {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := plek(t, "score", "--db", db, "--gevoeligheid")
	if code != exitOK {
		t.Fatalf("score: exit %d\n%s%s", code, out, errOut)
	}
	for _, want := range []string{"transformatie (profile transformatie): 3 sites scored", "GM0344 Utrecht", "geen gegevens",
		"Sensitivity transformatie (top 10 per region, weights ±20%, 500 runs)"} {
		if !strings.Contains(out, want) {
			t.Errorf("score output lacks %q:\n%s", want, out)
		}
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	scores, err := st.Scores(context.Background(), store.ScoreFilter{Use: "transformatie"})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(scores) != 3 {
		t.Fatalf("%d stored transformatie scores, want 3", len(scores))
	}

	geo := filepath.Join(dir, "utrecht.geojson")
	if code, out, errOut := plek(t, "export", "--db", db, "--gebruik", "transformatie", "--regio", "gm0344", "-o", geo); code != exitOK {
		t.Fatalf("export: exit %d\n%s%s", code, out, errOut)
	}
	var fc struct {
		Features []struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		} `json:"features"`
	}
	b, err := os.ReadFile(geo)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	// Only sites whose centrumgemeente is Utrecht are exported: the Den Haag
	// school is not.
	for _, f := range fc.Features {
		if f.Properties["centrumgemeente"] != "GM0344" {
			t.Errorf("feature %s of region %v in a GM0344 export", f.ID, f.Properties["centrumgemeente"])
		}
		for _, k := range []string{"score", "eligible", "knockouts", "criteria", "capacity_units", "capacity_people", "rank_in_region"} {
			if _, ok := f.Properties[k]; !ok {
				t.Errorf("feature %s lacks property %s", f.ID, k)
			}
		}
	}
	want := store.SiteID(store.Gebouw, "rvb", "2201-0001")
	if len(fc.Features) == 0 || fc.Features[0].ID != want {
		t.Errorf("first feature id %v, want the Croeselaan site %s", fc.Features, want)
	}

	csvPath := filepath.Join(dir, "alles.csv")
	if code, _, errOut := plek(t, "export", "--db", db, "--gebruik", "transformatie", "-o", csvPath); code != exitOK {
		t.Fatalf("export csv: exit %d\n%s", code, errOut)
	}
	c, _ := os.ReadFile(csvPath)
	if !strings.HasPrefix(string(c), "\ufeff") || !strings.Contains(strings.SplitN(string(c), "\n", 2)[0], ";") {
		t.Errorf("CSV export is not Excel-friendly (BOM, ;):\n%.200s", c)
	}
	if n := strings.Count(strings.TrimSpace(string(c)), "\n"); n != 3 {
		t.Errorf("CSV export has %d data rows, want 3", n)
	}

	if code, _, _ := plek(t, "export", "--db", db, "--gebruik", "transformatie", "--regio", "GM9999", "-o", csvPath); code != exitUsage {
		t.Errorf("unknown region: exit %d, want %d", code, exitUsage)
	}
	if code, _, _ := plek(t, "export", "--db", db, "--gebruik", "wonen", "-o", csvPath); code != exitUsage {
		t.Errorf("unknown use: exit %d, want %d", code, exitUsage)
	}
}
