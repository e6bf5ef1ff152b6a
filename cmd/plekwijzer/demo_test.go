package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/plekwijzer/plekwijzer/data"
	"github.com/plekwijzer/plekwijzer/matching"
)

// TestDemoScoresBothUsesInEveryRegion loads the demo (a smaller synthetic
// sample) through the real importers and checks that every centrumgemeente
// of the embedded table gets scored candidates for both uses.
func TestDemoScoresBothUsesInEveryRegion(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the whole demo")
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
	out, err := matching.ScoreStore(ctx, st, matching.Setup{})
	if err != nil {
		t.Fatal(err)
	}

	b, err := fs.ReadFile(data.Files, "centrumgemeenten.csv")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, r := range rows[1:] {
		want[r[0]] = r[1]
	}
	if len(out.Regions) != len(want) {
		t.Errorf("%d region summaries, want one per centrumgemeente in centrumgemeenten.csv (%d)", len(out.Regions), len(want))
	}
	for _, r := range out.Regions {
		if _, ok := want[r.Centrumgemeente]; !ok {
			t.Errorf("summary for %s, which is not a centrumgemeente", r.Centrumgemeente)
		}
		for _, u := range r.Uses {
			if u.Candidates == 0 || u.Eligible == 0 {
				t.Errorf("%s %s: %d candidates, %d eligible for %s", r.Centrumgemeente, r.CentrumgemeenteNaam, u.Candidates, u.Eligible, u.Use)
			}
		}
		if len(r.Uses) != 2 {
			t.Errorf("%s: %d uses summarised, want flex and transformatie", r.Centrumgemeente, len(r.Uses))
		}
	}
}
