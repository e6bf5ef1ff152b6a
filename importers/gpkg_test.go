package importers

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

func TestReadGeoPackageRD(t *testing.T) {
	tb, err := readGeoPackage(context.Background(), spatialFixture("gebouwen_rd.gpkg"), "")
	if err != nil {
		t.Fatal(err)
	}
	if tb.File != "gebouwen_rd.gpkg" || tb.CRS != geo.RDNew {
		t.Errorf("File %q CRS %q", tb.File, tb.CRS)
	}
	wantCols := []string{"fid", "NAAM", "GEMEENTE", "BOUWWERKCODE", "UVID", "AFSTOOTSTATUS", "BVO", "BOUWJAAR", "LEEG_SINDS", "MONUMENT"}
	if !reflect.DeepEqual(tb.Columns, wantCols) {
		t.Errorf("Columns %v", tb.Columns)
	}
	// GDAL stores MONUMENT as BOOLEAN and LEEG_SINDS as DATE; Z dropped.
	checkGebouwen(t, tb, nil, "true", "false", true)
	if tb.Records[2].Values["fid"] != "3" {
		t.Errorf("fid %q", tb.Records[2].Values["fid"])
	}
}

// ogrinfo -q -al gebouwen_wgs84.gpkg: first vertex of each feature.
var ogrinfoWGS84 = []orb.Point{
	{5.11729237154339, 52.0883570164813},
	{5.12908481915527, 52.0909854659828},
	{4.32647218925151, 52.0865847950604},
	{4.31069665172928, 52.0812282792811},
}

// ogrinfo -q -al gebouwen_wgs84.gpkg -fid 1: first vertex of the courtyard.
var ogrinfoWGS84Hole = orb.Point{5.11756516006094, 52.0884879676369}

func TestReadGeoPackageWGS84(t *testing.T) {
	tb, err := readGeoPackage(context.Background(), spatialFixture("gebouwen_wgs84.gpkg"), "GEBOUWEN")
	if err != nil {
		t.Fatal(err)
	}
	if tb.CRS != geo.WGS84 {
		t.Errorf("CRS %q", tb.CRS)
	}
	checkGebouwen(t, tb, nil, "true", "false", false)
	for i, want := range ogrinfoWGS84 {
		p, _ := firstVertex(t, tb.Records[i].Geometry)
		if !near(p, want, 1e-6) {
			t.Errorf("feature %d: first vertex %v, ogrinfo %v", i+1, p, want)
		}
	}
	if hole := tb.Records[0].Geometry.(orb.Polygon)[1][0]; !near(hole, ogrinfoWGS84Hole, 1e-6) {
		t.Errorf("hole vertex %v", hole)
	}
}

func TestReadGeoPackagePointsZ(t *testing.T) {
	tb, err := readGeoPackage(context.Background(), spatialFixture("ov_haltes.gpkg"), "")
	if err != nil {
		t.Fatal(err)
	}
	if tb.CRS != geo.RDNew || len(tb.Records) != 5 {
		t.Fatalf("CRS %q, %d records", tb.CRS, len(tb.Records))
	}
	r := tb.Records[3]
	if r.Row != 4 || r.Values["HALTENAAM"] != "Den Haag, Bezuidenhoutseweg (Café Élysée)" || r.Values["MODALITEIT"] != "bus" {
		t.Errorf("record 4: %+v", r)
	}
	// ogrinfo: POINT Z (82420 455860 0.9)
	if r.Geometry != (orb.Point{82420, 455860}) {
		t.Errorf("geometry %#v", r.Geometry)
	}
	if g := tb.Records[0].Geometry; g != (orb.Point{136020.5, 455860.25}) {
		t.Errorf("geometry 1 %#v", g)
	}
}

func TestReadGeoPackageLayers(t *testing.T) {
	ctx := context.Background()
	tb, err := readGeoPackage(ctx, spatialFixture("twee_lagen.gpkg"), "ov_haltes")
	if err != nil || len(tb.Records) != 5 {
		t.Fatalf("ov_haltes: %d records, %v", len(tb.Records), err)
	}
	tb, err = readGeoPackage(ctx, spatialFixture("twee_lagen.gpkg"), "gebouwen")
	if err != nil || len(tb.Records) != 4 {
		t.Fatalf("gebouwen: %d records, %v", len(tb.Records), err)
	}
	for _, tc := range []struct{ file, layer, err string }{
		{"twee_lagen.gpkg", "", `twee_lagen.gpkg: the GeoPackage holds 2 layers ("gebouwen", "ov_haltes"): choose one with --sheet NAME`},
		{"twee_lagen.gpkg", "kavels", `twee_lagen.gpkg: the GeoPackage has no layer "kavels"; its layers are "gebouwen", "ov_haltes"`},
		{"alleen_tabel.gpkg", "", `alleen_tabel.gpkg: the GeoPackage contains no feature tables (layers with geometry); it holds only "gemeenten" (attributes)`},
	} {
		_, err := readGeoPackage(ctx, spatialFixture(tc.file), tc.layer)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s %q: error %v, want %q", tc.file, tc.layer, err, tc.err)
		}
		if !errors.Is(err, ErrLayer) {
			t.Errorf("%s: error does not wrap ErrLayer", tc.file)
		}
	}
}

// copyFixture copies a fixture into a temporary directory.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(spatialFixture(name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// execSQLite runs statements on a writable database file.
func execSQLite(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

func TestReadGeoPackageErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()

	plain := filepath.Join(dir, "plain.gpkg")
	execSQLite(t, plain, `CREATE TABLE panden (id INTEGER PRIMARY KEY, naam TEXT)`)

	random := filepath.Join(dir, "random.gpkg")
	b := make([]byte, 4096)
	rand.New(rand.NewSource(1)).Read(b)
	if err := os.WriteFile(random, b, 0o644); err != nil {
		t.Fatal(err)
	}

	mercator := copyFixture(t, "gebouwen_rd.gpkg")
	execSQLite(t, mercator, `UPDATE gpkg_spatial_ref_sys SET organization_coordsys_id = 3857, srs_name = 'WGS 84 / Pseudo-Mercator' WHERE srs_id = 28992`)

	for _, tc := range []struct {
		path     string
		sentinel error
		err      string
	}{
		{plain, ErrNotGeoPackage, "plain.gpkg: the file is an SQLite database but not a GeoPackage"},
		{random, ErrNotGeoPackage, "random.gpkg: the file is not a GeoPackage (not an SQLite database)"},
		{spatialFixture("gebouwen_utf8.zip"), ErrNotGeoPackage, "gebouwen_utf8.zip: the file is not a GeoPackage"},
		{mercator, geo.ErrUnknownCRS, `gebouwen_rd.gpkg: layer "gebouwen": the file declares coordinate reference system EPSG:3857 (WGS 84 / Pseudo-Mercator)`},
		{filepath.Join(dir, "missing.gpkg"), os.ErrNotExist, "missing.gpkg: open"},
	} {
		_, err := readGeoPackage(ctx, tc.path, "")
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want prefix %q", filepath.Base(tc.path), err, tc.err)
		}
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: error %v does not wrap %v", filepath.Base(tc.path), err, tc.sentinel)
		}
	}
}

func TestReadGeoPackageRowErrors(t *testing.T) {
	corrupt := copyFixture(t, "gebouwen_rd.gpkg")
	var stmts []string
	for i := 1; i <= 7; i++ { // GDAL's R-tree triggers call functions plain SQLite lacks
		stmts = append(stmts, fmt.Sprintf("DROP TRIGGER IF EXISTS rtree_gebouwen_geom_update%d", i))
	}
	stmts = append(stmts, `UPDATE gebouwen SET geom = x'475000' WHERE fid = 2`,
		`UPDATE gebouwen SET geom = 'POINT(1 2)' WHERE fid = 4`)
	execSQLite(t, corrupt, stmts...)
	tb, err := readGeoPackage(context.Background(), corrupt, "")
	if len(tb.Records) != 4 || tb.Records[1].Geometry != nil || tb.Records[2].Geometry == nil {
		t.Fatalf("records %+v", tb.Records)
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok || len(j.Unwrap()) != 2 {
		t.Fatalf("error %v", err)
	}
	want := `gebouwen_rd.gpkg, row 2, column "geom": unreadable geometry: not a GeoPackage geometry (the blob does not start with "GP")
gebouwen_rd.gpkg, row 4, column "geom": the geometry column holds text or a number, not a GeoPackage geometry (value "POINT(1 2)")`
	if err.Error() != want || !errors.Is(err, ErrCorrupt) {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

func TestReadGeoPackageReadOnly(t *testing.T) {
	p := copyFixture(t, "ov_haltes.gpkg")
	before, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := readGeoPackage(context.Background(), p, ""); err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(p)
	if string(before) != string(after) {
		t.Error("reading changed the GeoPackage")
	}
	entries, _ := os.ReadDir(filepath.Dir(p))
	if len(entries) != 1 {
		t.Errorf("reading left files behind: %v", entries)
	}
}

func TestSQLiteURIPath(t *testing.T) {
	if got := sqliteURIPath("/data/a?b#c%d.gpkg"); got != "/data/a%3Fb%23c%25d.gpkg" {
		t.Errorf("got %q", got)
	}
}
