package importers

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

// importFixture imports a file from testdata/tabular with a mapping that
// names the column holding the source reference, and returns the sites by
// source reference.
func importFixture(t *testing.T, st *store.Store, file string, kind store.RunKind, mapping string) (*store.Run, map[string]store.Site) {
	t.Helper()
	ctx := context.Background()
	if err := ImportDefaults(ctx, st); err != nil {
		t.Fatal(err)
	}
	opts := Options{Kind: kind}
	if mapping != "" {
		m, err := LoadMapping(writeFile(t, "mapping.yaml", mapping))
		if err != nil {
			t.Fatal(err)
		}
		opts.Mapping = m
	}
	run, err := Import(ctx, st, filepath.Join("testdata", "tabular", file), opts)
	if err != nil {
		t.Fatalf("import %s: %v", file, err)
	}
	sites, err := st.Sites(ctx, store.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]store.Site{}
	for _, s := range sites {
		byRef[s.SourceRef] = s
	}
	return run, byRef
}

func TestImportWindows1252SemicolonCSVWithDecimalCommasAndRD(t *testing.T) {
	st := openStore(t)
	run, sites := importFixture(t, st, "leegstand_win1252.csv", store.RunGebouwen, "bron_ref: Naam\n")
	if run.Status != store.RunOK || run.Imported != 3 || run.Rejected != 0 {
		t.Fatalf("run: %+v", run)
	}
	cafe, ok := sites["Café De Hoek"]
	if !ok {
		t.Fatalf("no site Café De Hoek (accent decoded from Windows-1252); have %v", sites)
	}
	if cafe.AreaM2 == nil || *cafe.AreaM2 != 1234.5 {
		t.Errorf("area 1.234,5 read as %v", cafe.AreaM2)
	}
	if cafe.Address.Plaats != "’s-Hertogenbosch" || cafe.Address.Postcode != "1234AB" || cafe.Address.Huisnummer != 12 || cafe.Address.Toevoeging != "a" {
		t.Errorf("address: %+v", cafe.Address)
	}
	if cafe.Gemeente != "GM0796" {
		t.Errorf("RD (149512.25, 411304.5) assigned to %q, want GM0796 ('s-Hertogenbosch)", cafe.Gemeente)
	}
	if s := sites["Kantoor Noord"]; s.Gemeente != "GM0344" || s.Centrumgemeente != "GM0344" || *s.AreaM2 != 2500.75 {
		t.Errorf("Kantoor Noord: %+v", s)
	}
	if s := sites["Oude school"]; s.Gemeente != "GM0772" || s.Attributes["Opmerking"] != "Leeg sinds 2021\nbegane grond; verdieping" {
		t.Errorf("Oude school (quoted field over two lines): gemeente %q, opmerking %q", s.Gemeente, s.Attributes["Opmerking"])
	}
}

func TestImportXLSXWithTitleRowsAboveTheHeader(t *testing.T) {
	st := openStore(t)
	run, sites := importFixture(t, st, "leegstand.xlsx", store.RunGebouwen, "bron_ref: Naam\n")
	if run.Status != store.RunOK || run.Imported != 4 || run.Rejected != 0 {
		t.Fatalf("run: %+v %+v", run, run.Errors)
	}
	b := sites["Belastingkantoor"]
	if b.AreaM2 == nil || *b.AreaM2 != 5230.5 || b.Gemeente != "GM0344" {
		t.Errorf("Belastingkantoor: area %v gemeente %q", b.AreaM2, b.Gemeente)
	}
	if got := b.Attributes["Leeg sinds"]; got != "2021-03-15" {
		t.Errorf("date cell kept as %q, want 2021-03-15", got)
	}
	if g := sites["Gevangenis De Koepel"]; g.Gemeente != "GM0392" {
		t.Errorf("Gevangenis De Koepel in %q, want GM0392 (Haarlem)", g.Gemeente)
	}
	if _, ok := sites["Naam"]; ok {
		t.Error("the repeated header row was imported as a site")
	}
}

func TestImportUTF8BOMCommaCSVWithLatLon(t *testing.T) {
	st := openStore(t)
	run, sites := importFixture(t, st, "kavels_utf8bom.csv", store.RunKavels, "")
	if run.Status != store.RunOK || run.Imported != 2 {
		t.Fatalf("run: %+v %+v", run, run.Errors)
	}
	noord := sites["1"]
	if noord.Name != "Kavel Noord, Almere" || noord.Gemeente != "GM0034" || noord.Centrumgemeente != "GM0034" {
		t.Errorf("kavel 1: %+v", noord)
	}
	if z := sites["2"]; z.AreaM2 == nil || *z.AreaM2 != 1250.5 || z.AreaKind != store.AreaPlot {
		t.Errorf("kavel 2 area \"1,250.5\": %v %q", z.AreaM2, z.AreaKind)
	}
}

func TestImportNamesARowInAnotherCRSThanTheFile(t *testing.T) {
	st := openStore(t)
	if err := ImportDefaults(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	csv := "bouwwerkcode;x;y\nA;136000;456000\nB;5,12;52,09\n"
	run, err := Import(context.Background(), st, writeFile(t, "mixed.csv", csv), Options{Kind: store.RunGebouwen})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 1 || run.Rejected != 1 {
		t.Fatalf("run: %+v", run)
	}
	e := run.Errors[0]
	if e.Row != 3 || !strings.Contains(e.Message, "looks like WGS84") || !strings.Contains(e.Message, "RD New") {
		t.Errorf("row error: %+v", e)
	}
}
