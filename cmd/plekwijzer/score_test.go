package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/matching"
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

// TestCompactPathEqualsFullPathOnSample loads the synthetic sample through
// the real importers and checks the compact path against the full one it
// replaces: the export files byte for byte, the region table, the
// sensitivity analysis, and the stored scores (numbers and knock-out codes)
// against the explained results.
func TestCompactPathEqualsFullPathOnSample(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the demo sample")
	}
	ctx := context.Background()
	dir := t.TempDir()
	st, err := openStore(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var log bytes.Buffer
	if err := loadDemo(ctx, env{stdout: &log, stderr: &log}, st, dir, 0.3); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	// A fixed "today": availability terms depend on it to the nanosecond.
	su := matching.Setup{ReferenceDate: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	full, err := matching.ScoreStore(ctx, st, su)
	if err != nil {
		t.Fatal(err)
	}
	bc := matching.DefaultBusinessCaseParams()
	for _, use := range []matching.Use{matching.Flex, matching.Transformatie} {
		set := full.Set(use)
		for _, code := range []string{"", "GM0344"} {
			results := set.Results
			if code != "" {
				results = nil
				for _, r := range set.Results {
					if r.Centrumgemeente == code {
						results = append(results, r)
					}
				}
			}
			ranked := matching.Ranked(results)
			for _, format := range []string{"csv", "geojson"} {
				for _, opt := range []matching.ExportOptions{{}, {BusinessCase: &bc}} {
					var want, got bytes.Buffer
					if format == "csv" {
						err = matching.WriteCSVWith(&want, ranked, full.Sites, opt)
					} else {
						err = matching.WriteGeoJSONWith(&want, ranked, full.Sites, opt)
					}
					if err != nil {
						t.Fatal(err)
					}
					n, err := writeExport(ctx, &got, st, su, use, code, format, opt)
					if err != nil {
						t.Fatal(err)
					}
					if n != len(ranked) || !bytes.Equal(got.Bytes(), want.Bytes()) {
						t.Fatalf("%s %q %s (business case %v): %d rows, %d bytes; the full path writes %d rows, %d bytes",
							use, code, format, opt.BusinessCase != nil, n, got.Len(), len(ranked), want.Len())
					}
				}
			}
		}
	}

	compact, err := matching.ScoreStoreCompact(ctx, st, su)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(compact.Regions, full.Regions) {
		t.Error("region summaries differ between the compact and the full path")
	}
	for k, set := range compact.Sets {
		opt := matching.SensitivityOptions{TopN: 5, Iterations: 50, Seed: 1}
		if got, want := matching.SensitivityCompact(set, opt), matching.Sensitivity(full.Sets[k], opt); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: sensitivity differs between the compact and the full path", set.Use)
		}
	}
	if err := st.SaveScoreSets(ctx, compact.Generation, compact.Scored, compact.ScoreSets()...); err != nil {
		t.Fatal(err)
	}
	state, err := st.ScoresState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(state) != 2 || state[0].Use != "flex" || state[0].ProfileHash != compact.Sets[0].Profile.Hash() || state[0].Generation != compact.Generation {
		t.Errorf("score state %+v", state)
	}
	for k, set := range full.Sets {
		p := compact.Sets[k].Profile
		byID := map[string]*matching.Result{}
		for i := range set.Results {
			byID[set.Results[i].SiteID] = &set.Results[i]
		}
		fired := 0
		err := st.EachScore(ctx, store.ScoreFilter{Use: string(set.Use)}, func(sc *store.Score) error {
			r := byID[sc.SiteID]
			if r == nil {
				return fmt.Errorf("stored score of %s, which the full path did not score", sc.SiteID)
			}
			delete(byID, sc.SiteID)
			if sc.Score != r.Score || sc.Eligible != r.Eligible || sc.RankInRegion != r.RankInRegion || sc.CapacityUnits != r.CapacityUnits ||
				sc.CapacityPeople != r.CapacityPeople || sc.Centrumgemeente != r.Centrumgemeente || sc.Profile != r.Profile {
				return fmt.Errorf("stored %+v, full path %+v", *sc, *r)
			}
			var want []string
			for i := range p.Knockouts {
				ko := &p.Knockouts[i]
				prefix := ko.Reason + ": "
				if ko.Reason == "" {
					prefix = ko.Name + ": "
					if ko.Zone != "" {
						prefix = "inside " + ko.Zone + ": "
					}
				}
				for _, text := range r.Knockouts {
					if strings.HasPrefix(text, prefix) {
						want = append(want, ko.Name)
						break
					}
				}
			}
			if sc.Knockouts != strings.Join(want, ",") {
				return fmt.Errorf("%s: stored knock-out codes %q, explained %q", sc.SiteID, sc.Knockouts, r.Knockouts)
			}
			if len(want) > 0 {
				fired++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(byID) != 0 || fired == 0 {
			t.Errorf("%s: %d results without a stored score; %d stored with knock-outs", set.Use, len(byID), fired)
		}
	}
}
