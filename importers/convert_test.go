package importers

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// table builds a Table from a header and rows (row numbers from 2).
func table(cols []string, rows ...[]string) Table {
	t := Table{File: "test.csv", Columns: cols}
	for i, r := range rows {
		vals := map[string]string{}
		for j, c := range cols {
			vals[c] = r[j]
		}
		t.Records = append(t.Records, Record{Row: i + 2, Values: vals})
	}
	return t
}

// runTable imports a hand-built table.
func runTable(t *testing.T, st *store.Store, tb Table, opts Options) (*store.Run, error) {
	t.Helper()
	if opts.Source == "" {
		opts.Source = "test"
	}
	run := newRun(opts, tb.File)
	return run, importTable(context.Background(), st, run, &tb, opts, nil)
}

func TestConvertSiteFields(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	tb := table([]string{"Bouwwerk_Code", "Objectnaam", "Adres", "X-coördinaat", "Y-coördinaat", "GBO (m²)", "Rijksmonument",
		"Afstootsta", "Beschikbaar per", "Beschikbaar tot", "Gebruiksdoel", "Eigenaar", "Gemeente"},
		[]string{"B1", "Pand", "Kerkstraat 12 a, 3511 AB Utrecht", "136000,25", "456000,75", "1.234,5", "ja",
			"Leegstand", "45292", "31-12-2026", "kantoorfunctie", "RVB", "Utrecht"})
	run, err := runTable(t, st, tb, Options{Kind: store.RunGebouwen})
	if err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	s, err := st.Site(ctx, store.SiteID(store.Gebouw, "test", "B1"))
	if err != nil {
		t.Fatal(err)
	}
	want := store.Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "a", Postcode: "3511AB", Plaats: "Utrecht"}
	if s.Address != want {
		t.Errorf("address %+v, want %+v", s.Address, want)
	}
	if s.AreaM2 == nil || *s.AreaM2 != 1234.5 || s.AreaKind != store.AreaGBO {
		t.Errorf("area %v %q", s.AreaM2, s.AreaKind)
	}
	if p, ok := s.Geometry.(orb.Point); !ok || p != (orb.Point{136000.25, 456000.75}) {
		t.Errorf("geometry %v", s.Geometry)
	}
	if s.Monument != "rijksmonument" || s.Status != "Leegstand" || s.Function != "kantoorfunctie" || s.Owner != "RVB" {
		t.Errorf("fields %+v", s)
	}
	if s.AvailableFrom == nil || !s.AvailableFrom.Equal(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("beschikbaar per %v", s.AvailableFrom)
	}
	if s.AvailableUntil == nil || s.AvailableUntil.Format(time.DateOnly) != "2026-12-31" {
		t.Errorf("beschikbaar tot %v", s.AvailableUntil)
	}
	if s.Attributes["Gemeente"] != "Utrecht" || len(s.Attributes) != 1 {
		t.Errorf("attributes %v", s.Attributes)
	}
}

func TestConvertKavelPolygonArea(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	tb := table([]string{"id", "wkt"},
		[]string{"K1", "POLYGON((136000 456000, 136100 456000, 136100 456050, 136000 456050))"},                // unclosed: repaired
		[]string{"K2", "POLYGON((136000 456000, 136100 456100, 136100 456000, 136000 456100, 136000 456000))"}, // bow tie
		[]string{"K3", "POINT(136000 456000"},
	)
	run, err := runTable(t, st, tb, Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 1 || run.Rejected != 2 {
		t.Fatalf("run %+v", run)
	}
	for _, e := range run.Errors {
		if e.Column != "wkt" || (e.Row != 3 && e.Row != 4) {
			t.Errorf("error %+v", e)
		}
	}
	s, _ := st.Site(ctx, store.SiteID(store.Kavel, "test", "K1"))
	if s.AreaM2 == nil || *s.AreaM2 != 5000 || s.AreaKind != store.AreaPlot {
		t.Errorf("area %v %q", s.AreaM2, s.AreaKind)
	}
	if s.Attributes[AttrRepair] == "" {
		t.Errorf("repair not recorded: %v", s.Attributes)
	}
}

func TestConvertRowErrors(t *testing.T) {
	st := openStore(t)
	cols := []string{"id", "x", "y", "oppervlakte", "bouwjaar", "beschikbaar_vanaf", "beschikbaar_tot"}
	ok := []string{"A", "136000", "456000", "100", "1990", "2025-01-01", "2026-01-01"}
	tests := []struct {
		name   string
		col    int
		value  string
		column string
		msg    string
	}{
		{"empty ref", 0, "", "id", "bron_ref is empty"},
		{"zero area", 3, "0", "oppervlakte", "more than 0"},
		{"text area", 3, "groot", "oppervlakte", "not a number"},
		{"old year", 4, "999", "bouwjaar", "between 1000"},
		{"future year", 4, "2999", "bouwjaar", "between 1000"},
		{"bad date", 5, "32-01-2025", "beschikbaar_vanaf", "not a date"},
		{"until before from", 6, "2024-01-01", "beschikbaar_tot", "before"},
		{"x without y", 2, "", "y", "empty"},
		{"x not a number", 1, "abc", "x", "not a coordinate"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			bad := append([]string(nil), ok...)
			bad[tc.col] = tc.value
			other := append([]string(nil), ok...)
			other[0] = "B"
			run, err := runTable(t, st, table(cols, bad, other), Options{Kind: store.RunKavels})
			if err != nil {
				t.Fatal(err)
			}
			if run.Rejected != 1 || run.Imported != 1 || len(run.Errors) != 1 {
				t.Fatalf("run %+v", run)
			}
			e := run.Errors[0]
			if e.Row != 2 || e.Column != tc.column || !strings.Contains(e.Message, tc.msg) {
				t.Errorf("error %+v, want column %s and %q", e, tc.column, tc.msg)
			}
		})
	}
}

func TestConvertSwappedLatLonDetected(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	// lat and lon columns hold each other's values.
	tb := table([]string{"id", "lat", "lon"}, []string{"A", "5.12", "52.09"})
	run, err := runTable(t, st, tb, Options{Kind: store.RunKavels})
	if err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	s, _ := st.Site(ctx, store.SiteID(store.Kavel, "test", "A"))
	want := geo.WGS84ToRD(orb.Point{5.12, 52.09})
	if p := s.Geometry.(orb.Point); planarDist(p, want) > 0.01 {
		t.Errorf("point %v, want %v", p, want)
	}
}

func planarDist(a, b orb.Point) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	return dx*dx + dy*dy
}

func TestConvertLayers(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	line := "LINESTRING(136000 456000, 137000 456000)"
	tb := table([]string{"naam", "wkt", "spanning"}, []string{"Lijn 380 kV", line, "380"})
	run, err := runTable(t, st, tb, Options{Kind: store.RunLaag, Layer: "hoogspanning"})
	if err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	fs, err := st.Features(ctx, "hoogspanning")
	if err != nil || len(fs) != 1 {
		t.Fatalf("%v %d", err, len(fs))
	}
	f := fs[0]
	if f.Name != "Lijn 380 kV" || f.Attributes["spanning"] != "380" || f.Attributes[AttrBuffer] != "215" {
		t.Errorf("feature %+v", f)
	}
	if !geo.Contains(f.Geometry, orb.Point{136500, 456200}) || geo.Contains(f.Geometry, orb.Point{136500, 456230}) {
		t.Errorf("buffer wrong: %v", f.Geometry.Bound())
	}
	// Area layer without a default buffer: a line is rejected, a point too.
	tb = table([]string{"naam", "wkt"}, []string{"weg", line}, []string{"punt", "POINT(136000 456000)"},
		[]string{"vlak", "POLYGON((136000 456000, 136100 456000, 136100 456100, 136000 456000))"})
	run, err = runTable(t, st, tb, Options{Kind: store.RunLaag, Layer: "geluid"})
	if err != nil || run.Imported != 1 || run.Rejected != 2 || !strings.Contains(run.Errors[0].Message, "--buffer") {
		t.Fatalf("%v %+v", err, run)
	}
	// Point layer: a polygon becomes a point inside it.
	tb = table([]string{"halte_naam", "wkt"}, []string{"Station", "POLYGON((136000 456000, 136100 456000, 136100 456100, 136000 456100, 136000 456000))"})
	if run, err = runTable(t, st, tb, Options{Kind: store.RunLaag, Layer: "ov_halte"}); err != nil || run.Imported != 1 {
		t.Fatalf("%v %+v", err, run)
	}
	fs, _ = st.Features(ctx, "ov_halte")
	if len(fs) != 1 || fs[0].Name != "Station" {
		t.Fatalf("features %+v", fs)
	}
	if p, ok := fs[0].Geometry.(orb.Point); !ok || p != (orb.Point{136050, 456050}) {
		t.Errorf("point %v", fs[0].Geometry)
	}
}

func TestConvertAddresses(t *testing.T) {
	st := openStore(t)
	tb := table([]string{"straat", "huisnummer", "huisletter", "toevoeging", "postcode", "woonplaats", "lat", "lon"},
		[]string{"Domplein", "29", "", "", "3512JE", "Utrecht", "52.0908", "5.1214"},
		[]string{"Domplein", "29", "", "", "3512 JE", "Utrecht", "52.0908", "5.1214"},
		[]string{"Domplein", "x", "", "", "3512 JE", "Utrecht", "52.0908", "5.1214"},
		[]string{"Domplein", "30", "", "", "", "Utrecht", "52.0908", "5.1214"},
		[]string{"Domplein", "31", "B", "", "3512 JE", "Utrecht", "", ""},
	)
	run, err := runTable(t, st, tb, Options{Kind: store.RunAdressen})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 1 || run.Rejected != 4 {
		t.Fatalf("run %+v", run)
	}
	wantCols := []string{"postcode", "huisnummer", "postcode", ""}
	for i, e := range run.Errors {
		if e.Row != i+3 || e.Column != wantCols[i] {
			t.Errorf("error %d: %+v", i, e)
		}
	}
	if !strings.Contains(run.Errors[0].Message, "duplicate address 3512JE 29, first seen on row 2") {
		t.Errorf("duplicate message %q", run.Errors[0].Message)
	}
}

func TestConvertGemeenten(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	sq := "POLYGON((0 300000, 1000 300000, 1000 301000, 0 301000, 0 300000))"
	tb := table([]string{"gm_code", "gemeentenaam", "wkt"},
		[]string{"344", "Utrecht", sq}, []string{"GM0344", "Dubbel", sq}, []string{"Utrecht", "X", sq},
		[]string{"GM0355", "Zeist", "POINT(1 300001)"})
	run, err := runTable(t, st, tb, Options{Kind: store.RunGemeenten})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 1 || run.Rejected != 3 {
		t.Fatalf("run %+v", run)
	}
	gs, _ := st.Gemeenten(ctx)
	if len(gs) != 1 || gs[0].Code != "GM0344" || gs[0].Name != "Utrecht" {
		t.Errorf("gemeenten %+v", gs)
	}
}

func TestConvertRegions(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	cols := []string{"gemeente", "statnaam", "centrumgemeente", "confidence"}
	tb := table(cols,
		[]string{"GM0344", "Utrecht", "GM0344", "hoog"},
		[]string{"GM0355", "Zeist", "GM0344", "middel"},
		[]string{"GM0355", "Zeist", "GM0344", ""},      // duplicate
		[]string{"GM0307", "Amersfoort", "GM9999", ""}, // no own row
		[]string{"GM0310", "De Bilt", "GM0355", ""},    // Zeist heads no region
		[]string{"GM0312", "Bunnik", "GM0344", "vrij zeker"},
	)
	run, err := runTable(t, st, tb, Options{Kind: store.RunRegios})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 2 || run.Rejected != 4 {
		t.Fatalf("run %+v", run)
	}
	rows := []int{}
	for _, e := range run.Errors {
		rows = append(rows, e.Row)
	}
	if len(rows) != 4 || rows[0] != 4 || rows[1] != 5 || rows[2] != 6 || rows[3] != 7 {
		t.Errorf("error rows %v: %+v", rows, run.Errors)
	}
	rs, _ := st.Regions(ctx)
	if len(rs) != 2 {
		t.Errorf("regions %+v", rs)
	}
}

func TestSpatialFixtures(t *testing.T) {
	ctx := context.Background()
	st := defaultsStore(t)
	for _, f := range []string{"gebouwen_rd.geojson", "gebouwen_wgs84.geojson", "gebouwen_rd.gpkg", "gebouwen_wgs84.gpkg",
		"gebouwen_utf8.zip", "gebouwen_cp1252.zip"} {
		t.Run(f, func(t *testing.T) {
			run, err := Import(ctx, st, "testdata/spatial/"+f, Options{Kind: store.RunGebouwen, Source: "rvb"})
			if err != nil {
				t.Fatal(err)
			}
			if run.Imported != 4 || run.Rejected != 0 {
				t.Fatalf("run %+v", run)
			}
			if n := countSites(t, st); n != 4 {
				t.Errorf("%d sites, want 4 (same refs every file)", n)
			}
			s, err := st.Site(ctx, store.SiteID(store.Gebouw, "rvb", "3440-10217"))
			if err != nil {
				t.Fatal(err)
			}
			if s.Gemeente != "GM0344" || s.Centrumgemeente != "GM0344" || s.AreaKind != store.AreaBVO ||
				s.AreaM2 == nil || *s.AreaM2 != 4250 || s.Monument == "" {
				t.Errorf("site %+v", s)
			}
			if uvid := s.Attributes["UVID"]; uvid == "" {
				if uvid = s.Attributes["uvid"]; uvid == "" {
					t.Errorf("uvid not kept: %v", s.Attributes)
				}
			}
			dh, _ := st.Site(ctx, store.SiteID(store.Gebouw, "rvb", "5180-20031"))
			if dh.Gemeente != "GM0518" {
				t.Errorf("Den Haag site in %q", dh.Gemeente)
			}
		})
	}
	run, err := Import(ctx, st, "testdata/spatial/ov_haltes.gpkg", Options{Kind: store.RunLaag, Layer: "ov_halte"})
	if err != nil || run.Imported != 5 {
		t.Fatalf("%v %+v", err, run)
	}
	fs, _ := st.Features(ctx, "ov_halte")
	if len(fs) != 5 || fs[0].Name == "" {
		t.Errorf("features %+v", fs)
	}
	_, err = Import(ctx, st, "testdata/spatial/alleen_tabel.gpkg", Options{Kind: store.RunGebouwen})
	if err == nil {
		t.Error("a GeoPackage without a feature table should fail")
	}
}

func TestReadTableUnsupported(t *testing.T) {
	for _, name := range []string{"a.ods", "a.xls", "a.dbf", "noext"} {
		_, err := readTable(context.Background(), name, "")
		if !errors.Is(err, ErrUnsupportedFormat) {
			t.Errorf("%s: %v", name, err)
		}
	}
}
