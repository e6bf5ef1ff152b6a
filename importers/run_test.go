package importers

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

// openStore opens a private SQLite file store closed when t ends: a file,
// not :memory:, so that sites stream into the store as they are converted,
// as they do for users (see streams).
func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "test.db"))
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// writeFile writes content to name in a temp dir and returns the path.
func writeFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func countSites(t testing.TB, st *store.Store) int {
	t.Helper()
	n, err := st.CountSites(context.Background(), store.SiteFilter{})
	if err != nil {
		t.Fatalf("CountSites: %v", err)
	}
	return n
}

// storedRun reads a run back from the store with its errors.
func storedRun(t testing.TB, st *store.Store, id int64) store.Run {
	t.Helper()
	if id == 0 {
		t.Fatalf("run has no id: it was not recorded")
	}
	r, err := st.Run(context.Background(), id)
	if err != nil {
		t.Fatalf("Run(%d): %v", id, err)
	}
	return r
}

const gebouwenCSV = `bouwwerkcode;naam;x;y;bvo;bouwjaar;beschikbaar_vanaf;uvid
3440-1;Kantoor A;136000;456000;1.250,5;1975;1-3-2025;U1
3440-2;Kantoor B;136100;456100;800;1980;2025-04-01;U2
3440-3;Kantoor C;136200;456200;640;1990;31/12/2025;U3
`

func TestImportTwiceKeepsSameSites(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	p := writeFile(t, "RVB gebouwen.csv", gebouwenCSV)
	for i := 0; i < 2; i++ {
		run, err := Import(ctx, st, p, Options{Kind: store.RunGebouwen})
		if err != nil {
			t.Fatalf("import %d: %v", i, err)
		}
		if run.Status != store.RunOK || run.Imported != 3 || run.Rejected != 0 || run.RowsRead != 3 {
			t.Fatalf("import %d: run %+v", i, run)
		}
		if len(run.SHA256) != 64 {
			t.Errorf("sha256 %q", run.SHA256)
		}
		if n := countSites(t, st); n != 3 {
			t.Fatalf("after import %d: %d sites, want 3", i, n)
		}
	}
	s, err := st.Site(ctx, store.SiteID(store.Gebouw, "rvb-gebouwen", "3440-1"))
	if err != nil {
		t.Fatalf("site by id: %v", err)
	}
	if s.Name != "Kantoor A" || s.AreaM2 == nil || *s.AreaM2 != 1250.5 || s.AreaKind != store.AreaBVO {
		t.Errorf("site %+v (area %v)", s, s.AreaM2)
	}
	if s.ConstructionYear == nil || *s.ConstructionYear != 1975 {
		t.Errorf("bouwjaar %v", s.ConstructionYear)
	}
	if s.AvailableFrom == nil || s.AvailableFrom.Format("2006-01-02") != "2025-03-01" {
		t.Errorf("beschikbaar_vanaf %v", s.AvailableFrom)
	}
	if s.Attributes["uvid"] != "U1" {
		t.Errorf("uvid should be kept as attribute, got %v", s.Attributes)
	}
}

func TestImportRejectsBadRowAndLandsTheRest(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := strings.Replace(gebouwenCSV, "800;1980", "800;19x0", 1)
	run, err := Import(ctx, st, writeFile(t, "g.csv", csv), Options{Kind: store.RunGebouwen})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != store.RunOK || run.Imported != 2 || run.Rejected != 1 {
		t.Fatalf("run %+v", run)
	}
	if len(run.Errors) != 1 || run.Errors[0].Row != 3 || run.Errors[0].Column != "bouwjaar" || run.Errors[0].Value != "19x0" {
		t.Fatalf("errors %+v", run.Errors)
	}
	if n := countSites(t, st); n != 2 {
		t.Errorf("%d sites, want 2", n)
	}
	got := storedRun(t, st, run.ID)
	if len(got.Errors) != 1 || got.Errors[0].Row != 3 || got.Rejected != 1 {
		t.Errorf("stored run %+v", got)
	}
}

func TestImportStrictRefusesAll(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := strings.Replace(gebouwenCSV, "640;1990", "-5;1990", 1)
	run, err := Import(ctx, st, writeFile(t, "g.csv", csv), Options{Kind: store.RunGebouwen, Strict: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != store.RunRefused || run.Imported != 0 || run.Rejected != 1 {
		t.Fatalf("run %+v", run)
	}
	if n := countSites(t, st); n != 0 {
		t.Errorf("%d sites after a refused run", n)
	}
	got := storedRun(t, st, run.ID)
	if got.Status != store.RunRefused || len(got.Errors) != 1 || got.Errors[0].Column != "bvo" || got.Errors[0].Row != 4 {
		t.Errorf("stored run %+v", got)
	}
}

func TestImportDryRunWritesOnlyTheRun(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	run, err := Import(ctx, st, writeFile(t, "g.csv", gebouwenCSV), Options{Kind: store.RunGebouwen, DryRun: true})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != store.RunDryRun || run.Imported != 3 {
		t.Fatalf("run %+v", run)
	}
	if n := countSites(t, st); n != 0 {
		t.Errorf("dry run wrote %d sites", n)
	}
	if got := storedRun(t, st, run.ID); got.Status != store.RunDryRun {
		t.Errorf("stored status %q", got.Status)
	}
}

func TestImportStoreFailureKeepsEarlierData(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if _, err := Import(ctx, st, writeFile(t, "g.csv", gebouwenCSV), Options{Kind: store.RunGebouwen}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `CREATE TRIGGER test_fail BEFORE INSERT ON sites WHEN NEW.source_ref = '3440-9'
		BEGIN SELECT RAISE(ABORT, 'forced failure'); END`); err != nil {
		t.Fatalf("trigger: %v", err)
	}
	csv := gebouwenCSV + "3440-9;Kantoor Z;136300;456300;500;2000;;U9\n"
	csv = strings.Replace(csv, "Kantoor A", "Kantoor A gewijzigd", 1)
	run, err := Import(ctx, st, writeFile(t, "g.csv", csv), Options{Kind: store.RunGebouwen})
	if err == nil {
		t.Fatal("want an error from the failing store")
	}
	if run == nil || run.Status != store.RunFailed || run.Imported != 0 {
		t.Fatalf("run %+v", run)
	}
	if n := countSites(t, st); n != 3 {
		t.Errorf("%d sites, want the earlier 3", n)
	}
	s, _ := st.Site(ctx, store.SiteID(store.Gebouw, "g", "3440-1"))
	if s.Name != "Kantoor A" {
		t.Errorf("earlier site changed: %q", s.Name)
	}
	got := storedRun(t, st, run.ID)
	if got.Status != store.RunFailed || !strings.Contains(got.Message, "forced failure") {
		t.Errorf("stored run %+v", got)
	}
}

func TestImportGeocodesThroughAddresses(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	adressen := "openbareruimtenaam,huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,geometrie\n" +
		"Domplein,29,,,3512 JE,Utrecht,POINT(136790 455870)\n" +
		"Oudegracht,12,a,2,3511AB,Utrecht,POINT(136500 455700)\n"
	run, err := Import(ctx, st, writeFile(t, "bag.csv", adressen), Options{Kind: store.RunAdressen})
	if err != nil || run.Imported != 2 {
		t.Fatalf("adressen: %v %+v", err, run)
	}
	sites := "id;naam;postcode;huisnummer;toevoeging\n" +
		"A;Dom;3512JE;29;\n" +
		"B;Gracht;3511 ab;12;A-2\n" +
		"C;Nergens;9999ZZ;1;\n"
	run, err = Import(ctx, st, writeFile(t, "s.csv", sites), Options{Kind: store.RunGebouwen})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 2 || run.Rejected != 1 {
		t.Fatalf("run %+v", run)
	}
	e := run.Errors[0]
	if e.Row != 4 || e.Column != "postcode" || !strings.Contains(e.Message, "plekwijzer import adressen") {
		t.Errorf("error %+v", e)
	}
	s, err := st.Site(ctx, store.SiteID(store.Gebouw, "s", "B"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Geometry.Bound().Min; got[0] != 136500 || got[1] != 455700 {
		t.Errorf("geocoded to %v", got)
	}
}

func TestImportRejectsRowsOutsideNL(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := "id,lat,lon\nA,52.09,5.12\nB,45.6,12.3\n"
	run, err := Import(ctx, st, writeFile(t, "p.csv", csv), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 1 || run.Rejected != 1 {
		t.Fatalf("run %+v", run)
	}
	e := run.Errors[0]
	if e.Row != 3 || !strings.Contains(e.Message, "lat=45.6, lon=12.3 lies outside the Netherlands") || !strings.Contains(e.Message, "--crs") {
		t.Errorf("error %+v", e)
	}
	// RD coordinates in x/y: one wildly off.
	csv = "id,x,y\nA,136000,456000\nB,12.3,45.6\n"
	run, err = Import(ctx, st, writeFile(t, "q.csv", csv), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Rejected != 1 || run.Errors[0].Column != "x" || !strings.Contains(run.Errors[0].Message, "x=12.3, y=45.6 lies outside the Netherlands") {
		t.Errorf("run %+v", run)
	}
}

func TestImportDuplicateRefs(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := "bron_ref,x,y\nA,136000,456000\nB,136100,456000\nA,136200,456000\n"
	run, err := Import(ctx, st, writeFile(t, "d.csv", csv), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 2 || run.Rejected != 1 || run.Errors[0].Row != 4 ||
		run.Errors[0].Message != "duplicate bron_ref A, first seen on row 2" {
		t.Fatalf("run %+v", run)
	}
}

func TestImportMissingColumns(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := "Kenmerkcode,Oost,Noord\nA,136000,456000\n"
	run, err := Import(ctx, st, writeFile(t, "m.csv", csv), Options{Kind: store.RunKavels})
	if !errors.Is(err, ErrMissingColumns) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"bron_ref", "Kenmerkcode, Oost, Noord", "bouwwerkcode", "--mapping"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("message lacks %q: %v", want, err)
		}
	}
	if run.Status != store.RunRefused || len(run.Errors) != 1 || run.Errors[0].Row != 0 {
		t.Errorf("run %+v", run)
	}
	storedRun(t, st, run.ID)

	// With a source reference but no location at all.
	csv = "id,naam\nA,x\n"
	_, err = Import(ctx, st, writeFile(t, "n.csv", csv), Options{Kind: store.RunKavels})
	if !errors.Is(err, ErrMissingColumns) || !strings.Contains(err.Error(), "no location columns") {
		t.Errorf("err = %v", err)
	}
}

func TestImportWithMappingFile(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	mp := writeFile(t, "mapping.yaml", "source_ref: Kenmerkcode\nx: Oost\ny: Noord\noppervlakte: Grootte\ndecimal: comma\ncrs: EPSG:28992\n")
	m, err := LoadMapping(mp)
	if err != nil {
		t.Fatal(err)
	}
	csv := "Kenmerkcode;Oost;Noord;Grootte\nA;136000,5;456000;1.234\n"
	run, err := Import(ctx, st, writeFile(t, "m.csv", csv), Options{Kind: store.RunKavels, Mapping: m})
	if err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	s, _ := st.Site(ctx, store.SiteID(store.Kavel, "m", "A"))
	if s.AreaM2 == nil || *s.AreaM2 != 1234 || s.AreaKind != store.AreaPlot {
		t.Errorf("area %v %q", s.AreaM2, s.AreaKind)
	}
	if p := s.Geometry.Bound().Min; p[0] != 136000.5 {
		t.Errorf("point %v", p)
	}
	// A mapping naming an absent column is a file error.
	m.Columns["naam"] = "Bestaat niet"
	if _, err := Import(ctx, st, writeFile(t, "m.csv", csv), Options{Kind: store.RunKavels, Mapping: m}); err == nil ||
		!strings.Contains(err.Error(), `"Bestaat niet"`) {
		t.Errorf("err = %v", err)
	}
}

func TestImportUnsupportedFormat(t *testing.T) {
	st := openStore(t)
	run, err := Import(context.Background(), st, writeFile(t, "x.ods", "x"), Options{Kind: store.RunKavels})
	if !errors.Is(err, ErrUnsupportedFormat) || !strings.Contains(err.Error(), ".xlsx") {
		t.Fatalf("err = %v", err)
	}
	if run.Status != store.RunFailed || run.ID == 0 {
		t.Errorf("run %+v", run)
	}
}

func TestImportOptionsValidated(t *testing.T) {
	st := openStore(t)
	for _, o := range []Options{{Kind: "huizen"}, {Kind: store.RunLaag, Layer: "OV Halte"}, {Kind: store.RunLaag}} {
		if _, err := Import(context.Background(), st, "x.csv", o); !errors.Is(err, ErrOptions) {
			t.Errorf("%+v: err = %v", o, err)
		}
	}
}

func TestImportEmptyFileIsRefused(t *testing.T) {
	st := openStore(t)
	run, err := Import(context.Background(), st, writeFile(t, "e.csv", "id,x,y\n"), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Status != store.RunRefused || !strings.Contains(run.Message, "no data rows") {
		t.Errorf("run %+v", run)
	}
}

func TestImportReaderRowErrorsRejectOnlyThoseRows(t *testing.T) {
	st := openStore(t)
	// Row 3 has a value beyond the header: the CSV reader reports it.
	csv := "id,x,y\nA,136000,456000\nB,136000,456000,extra\nC,136100,456000\n"
	run, err := Import(context.Background(), st, writeFile(t, "r.csv", csv), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.RowsRead != 3 || run.Imported != 2 || run.Rejected != 1 || run.Errors[0].Row != 3 {
		t.Fatalf("run %+v", run)
	}
}

func TestImportBadAddressKeptWhenLocated(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	csv := "id,x,y,postcode\nA,136000,456000,35111AB\n"
	run, err := Import(ctx, st, writeFile(t, "a.csv", csv), Options{Kind: store.RunKavels})
	if err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	s, _ := st.Site(ctx, store.SiteID(store.Kavel, "a", "A"))
	if s.Address.Postcode != "" || s.Attributes["postcode"] != "35111AB" {
		t.Errorf("site %+v", s)
	}
}

func TestImportReportsProgress(t *testing.T) {
	type call struct {
		phase       string
		done, total int
	}
	for _, tc := range []struct {
		name   string
		opts   Options
		phases []string // in order, each at least once
	}{
		{"sites", Options{Kind: store.RunGebouwen}, []string{PhaseWriting, PhaseCommitting, PhaseDone}},
		{"dry run", Options{Kind: store.RunGebouwen, DryRun: true}, []string{PhaseChecking, PhaseDone}},
		{"layer", Options{Kind: store.RunLaag, Layer: "ov_halte"}, []string{PhaseChecking, PhaseWriting, PhaseDone}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := openStore(t)
			var calls []call
			tc.opts.Progress = func(phase string, done, total int) { calls = append(calls, call{phase, done, total}) }
			if _, err := Import(context.Background(), st, writeFile(t, "g.csv", gebouwenCSV), tc.opts); err != nil {
				t.Fatal(err)
			}
			if len(calls) < 2 || calls[len(calls)-1] != (call{PhaseDone, 3, 3}) {
				t.Fatalf("calls %v", calls)
			}
			var phases []string
			for i, c := range calls {
				if c.total != 3 {
					t.Errorf("calls %v: total is not 3", calls)
				}
				if len(phases) == 0 || phases[len(phases)-1] != c.phase {
					phases = append(phases, c.phase)
				} else if c.done < calls[i-1].done {
					t.Errorf("calls %v not monotone within a phase", calls)
				}
			}
			if !slices.Equal(phases, tc.phases) {
				t.Errorf("phases %v, want %v", phases, tc.phases)
			}
		})
	}
}
