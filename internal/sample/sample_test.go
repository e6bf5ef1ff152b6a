package sample

import (
	"context"
	"encoding/csv"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/plekwijzer/plekwijzer/data"
	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// embeddedGemeenten reads the real municipalities in RD New.
func embeddedGemeenten(t *testing.T) []store.Gemeente {
	t.Helper()
	b, err := fs.ReadFile(data.Files, "gemeenten.geojson")
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Gemeente
	for _, f := range fc.Features {
		out = append(out, store.Gemeente{
			Code:     f.Properties.MustString("statcode"),
			Name:     f.Properties.MustString("statnaam"),
			Geometry: geo.ToRD(f.Geometry, geo.WGS84),
		})
	}
	return out
}

func readCSV(t *testing.T, path string) [][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return rows
}

func TestGenerateMarksEverythingSynthetic(t *testing.T) {
	gms := embeddedGemeenten(t)
	files, err := Generate(context.Background(), t.TempDir(), gms, map[string]bool{"GM0344": true}, Options{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, f := range files {
		rows := readCSV(t, f.Path)
		header := rows[0]
		col := -1
		for i, h := range header {
			if h == "synthetisch" {
				col = i
			}
		}
		if col < 0 {
			t.Fatalf("%s has no synthetisch column", f.Path)
		}
		for i, r := range rows[1:] {
			if r[col] != "ja" {
				t.Fatalf("%s row %d: synthetisch = %q", f.Path, i+2, r[col])
			}
			if !strings.Contains(strings.Join(r, ";"), Marker) {
				t.Fatalf("%s row %d carries no %s marker", f.Path, i+2, Marker)
			}
		}
		counts[filepath.Base(f.Path)] = len(rows) - 1
	}
	if n := counts["gebouwen.csv"]; n < 1500 || n > 3000 {
		t.Errorf("gebouwen: %d rows, want a few thousand", n)
	}
	if n := counts["kavels.csv"]; n < 1000 || n > 2500 {
		t.Errorf("kavels: %d rows, want about 1,750", n)
	}
	if files[len(files)-1].Kind != store.RunKavels || files[len(files)-2].Kind != store.RunGebouwen {
		t.Errorf("sites must come after the layers: %+v", files[len(files)-2:])
	}
}

func TestGeneratePutsSitesInEveryGemeente(t *testing.T) {
	gms := embeddedGemeenten(t)
	dir := t.TempDir()
	files, err := Generate(context.Background(), dir, gms, nil, Options{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]orb.Geometry{}
	for _, g := range gms {
		byName[g.Name] = g.Geometry
	}
	var gebouwen string
	for _, f := range files {
		if f.Kind == store.RunGebouwen {
			gebouwen = f.Path
		}
	}
	rows := readCSV(t, gebouwen)
	seen := map[string]bool{}
	for _, r := range rows[1:] {
		seen[r[4]] = true // Plaats
	}
	for _, g := range gms {
		if !seen[g.Name] {
			t.Errorf("no synthetic building in %s (%s)", g.Name, g.Code)
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	gms := embeddedGemeenten(t)
	a, b := t.TempDir(), t.TempDir()
	fa, err := Generate(context.Background(), a, gms, nil, Options{Seed: 3, Scale: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Generate(context.Background(), b, gms, nil, Options{Seed: 3, Scale: 0.2}); err != nil {
		t.Fatal(err)
	}
	for _, f := range fa {
		x, _ := os.ReadFile(f.Path)
		y, _ := os.ReadFile(filepath.Join(b, filepath.Base(f.Path)))
		if string(x) != string(y) {
			t.Errorf("%s differs between two runs with the same seed", filepath.Base(f.Path))
		}
	}
}
