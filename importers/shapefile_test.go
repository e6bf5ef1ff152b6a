package importers

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// shapefileKeys maps the source attribute names to the 10-character DBF names.
var shapefileKeys = map[string]string{"BOUWWERKCODE": "BOUWWERKCO", "AFSTOOTSTATUS": "AFSTOOTSTA"}

func TestReadShapefileZipUTF8(t *testing.T) {
	tb, err := readShapefile(context.Background(), spatialFixture("gebouwen_utf8.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.File != "gebouwen_utf8.zip" || tb.CRS != geo.RDNew {
		t.Errorf("File %q CRS %q", tb.File, tb.CRS)
	}
	wantCols := []string{"NAAM", "GEMEENTE", "BOUWWERKCO", "UVID", "AFSTOOTSTA", "BVO", "BOUWJAAR", "LEEG_SINDS", "MONUMENT"}
	if !reflect.DeepEqual(tb.Columns, wantCols) {
		t.Errorf("Columns %v", tb.Columns)
	}
	// GDAL writes booleans to a shapefile as N(1): 1/0.
	checkGebouwen(t, tb, shapefileKeys, "1", "0", true)
	// Outer rings come back counter-clockwise, holes clockwise.
	p := tb.Records[0].Geometry.(orb.Polygon)
	if ringSignedArea(p[0]) <= 0 || ringSignedArea(p[1]) >= 0 {
		t.Errorf("orientation: outer %v hole %v", ringSignedArea(p[0]), ringSignedArea(p[1]))
	}
	if p[1][0] != (orb.Point{136520, 455615}) || len(p[1]) != 5 {
		t.Errorf("hole %v", p[1])
	}
	if mp := tb.Records[2].Geometry.(orb.MultiPolygon); len(mp) != 2 || mp[1][0][0] != (orb.Point{82400, 455900}) {
		t.Errorf("multipolygon %v", mp)
	}
}

func TestReadShapefileZipCP1252(t *testing.T) {
	tb, err := readShapefile(context.Background(), spatialFixture("gebouwen_cp1252.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.CRS != geo.RDNew || len(tb.Records) != 4 {
		t.Fatalf("CRS %q, %d records", tb.CRS, len(tb.Records))
	}
	// No .cpg: the language driver byte 0x57 says Windows-1252. GDAL wrote
	// the en dash, which its recoder does not map, as "?".
	for i, want := range []string{"Voormalig gerechtsgebouw Hamburgerstraat", "Coöperatiegebouw Maliebaan",
		"Ministerie Bezuidenhout, vleugels A én B", "Dépendance Lange Voorhout ? Hôtel"} {
		if got := tb.Records[i].Values["NAAM"]; got != want {
			t.Errorf("NAAM %d = %q, want %q", i+1, got, want)
		}
	}
}

// unzipFixture unpacks a fixture zip into a temporary directory, renaming
// the files through rename (old base name -> new).
func unzipFixture(t *testing.T, name string, rename func(string) string) string {
	t.Helper()
	zr, err := zip.OpenReader(spatialFixture(name))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	dir := t.TempDir()
	for _, f := range zr.File {
		if f.FileInfo().IsDir() {
			continue
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if err := os.WriteFile(filepath.Join(dir, rename(filepath.Base(f.Name))), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestReadShapefileSiblingsCaseInsensitive(t *testing.T) {
	dir := unzipFixture(t, "gebouwen_utf8.zip", func(s string) string {
		if strings.HasSuffix(s, ".shp") {
			return "Gebouwen.shp"
		}
		return "GEBOUWEN" + strings.ToUpper(filepath.Ext(s))
	})
	tb, err := readShapefile(context.Background(), filepath.Join(dir, "Gebouwen.shp"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.File != "Gebouwen.shp" || tb.CRS != geo.RDNew {
		t.Errorf("File %q CRS %q", tb.File, tb.CRS)
	}
	checkGebouwen(t, tb, shapefileKeys, "1", "0", true)
}

func TestReadShapefileOnlyShp(t *testing.T) {
	dir := unzipFixture(t, "gebouwen_utf8.zip", func(s string) string { return s })
	for _, ext := range []string{".dbf", ".prj", ".cpg", ".shx"} {
		os.Remove(filepath.Join(dir, "gebouwen_utf8"+ext))
	}
	tb, err := readShapefile(context.Background(), filepath.Join(dir, "gebouwen_utf8.shp"))
	if err != nil {
		t.Fatal(err)
	}
	if tb.CRS != "" || len(tb.Columns) != 0 || len(tb.Records) != 4 || tb.Records[3].Row != 4 {
		t.Errorf("CRS %q, Columns %v, %d records", tb.CRS, tb.Columns, len(tb.Records))
	}
}

// makeZip writes a zip with the given files (name -> content).
func makeZip(t *testing.T, files map[string][]byte, order ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range order {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(files[n])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "upload.zip")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadShapefileErrors(t *testing.T) {
	ctx := context.Background()
	dir := unzipFixture(t, "gebouwen_utf8.zip", func(s string) string { return s })
	shp, _ := os.ReadFile(filepath.Join(dir, "gebouwen_utf8.shp"))
	dbf, _ := os.ReadFile(filepath.Join(dir, "gebouwen_utf8.dbf"))

	truncated := filepath.Join(t.TempDir(), "kapot.shp")
	os.WriteFile(truncated, shp[:len(shp)-50], 0o644)
	notShp := filepath.Join(t.TempDir(), "tekst.shp")
	os.WriteFile(notShp, []byte(strings.Repeat("geen shapefile ", 10)), 0o644)
	mismatch := filepath.Join(t.TempDir(), "los.shp")
	os.WriteFile(mismatch, shp, 0o644)
	os.WriteFile(strings.TrimSuffix(mismatch, ".shp")+".dbf", dbfWithRecords(t, dbf, 3), 0o644)

	noShp := makeZip(t, map[string][]byte{"gebouwen.dbf": dbf, "lees mij.txt": []byte("x")}, "gebouwen.dbf", "lees mij.txt")
	twoShp := makeZip(t, map[string][]byte{"a/gebouwen.shp": shp, "b/kavels.SHP": shp, "__MACOSX/._x.shp": nil},
		"b/kavels.SHP", "a/gebouwen.shp", "__MACOSX/._x.shp")
	notZip := filepath.Join(t.TempDir(), "upload.zip")
	os.WriteFile(notZip, []byte("PK nope"), 0o644)

	for _, tc := range []struct {
		path     string
		sentinel error
		err      string
	}{
		{truncated, ErrCorrupt, "kapot.shp: shape 4 is truncated: its record needs 184 bytes but the file ends after 134"},
		{notShp, ErrCorrupt, "tekst.shp: not an Esri Shapefile (file code"},
		{mismatch, ErrCorrupt, "los.shp: the .shp holds 4 shapes but the .dbf holds 3 records"},
		{noShp, ErrNoShapefile, "upload.zip: the zip archive contains no .shp file (it holds gebouwen.dbf, lees mij.txt)"},
		{twoShp, ErrNoShapefile, "upload.zip: the zip archive contains 2 shapefiles (a/gebouwen.shp, b/kavels.SHP)"},
		{notZip, ErrNoShapefile, "upload.zip: cannot open the zip archive"},
		{filepath.Join(dir, "weg.shp"), os.ErrNotExist, "weg.shp: open"},
	} {
		_, err := readShapefile(ctx, tc.path)
		if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
			t.Errorf("%s: error %v, want prefix %q", filepath.Base(tc.path), err, tc.err)
		}
		if !errors.Is(err, tc.sentinel) {
			t.Errorf("%s: error %v does not wrap %v", filepath.Base(tc.path), err, tc.sentinel)
		}
	}
}

// dbfWithRecords returns a copy of dbf claiming n records (cut after them).
func dbfWithRecords(t *testing.T, dbf []byte, n int) []byte {
	t.Helper()
	out := append([]byte(nil), dbf...)
	binary.LittleEndian.PutUint32(out[4:8], uint32(n))
	hl := int(binary.LittleEndian.Uint16(out[8:10]))
	rl := int(binary.LittleEndian.Uint16(out[10:12]))
	return out[:hl+n*rl]
}

// shpRecord builds the content of a polygon/polyline record (Z when z).
func shpRecord(typ int32, parts [][]orb.Point, z bool) []byte {
	var b []byte
	b = binary.LittleEndian.AppendUint32(b, uint32(typ))
	b = append(b, make([]byte, 32)...) // bbox, not used by the reader
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	b = binary.LittleEndian.AppendUint32(b, uint32(len(parts)))
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	start := 0
	for _, p := range parts {
		b = binary.LittleEndian.AppendUint32(b, uint32(start))
		start += len(p)
	}
	for _, p := range parts {
		for _, pt := range p {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[0]))
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(pt[1]))
		}
	}
	if z {
		b = append(b, make([]byte, 16+8*n)...) // Z range and values
		b = append(b, make([]byte, 16+8*n)...) // M range and values
	}
	return b
}

// shpFile wraps record contents in a .shp file.
func shpFile(records ...[]byte) []byte {
	b := make([]byte, shpHeaderLen)
	binary.BigEndian.PutUint32(b[0:4], 9994)
	binary.LittleEndian.PutUint32(b[28:32], 1000)
	for i, r := range records {
		b = binary.BigEndian.AppendUint32(b, uint32(i+1))
		b = binary.BigEndian.AppendUint32(b, uint32(len(r)/2))
		b = append(b, r...)
	}
	binary.BigEndian.PutUint32(b[24:28], uint32(len(b)/2))
	return b
}

func square(x, y, size float64, clockwise bool) []orb.Point {
	r := []orb.Point{{x, y}, {x + size, y}, {x + size, y + size}, {x, y + size}, {x, y}}
	if clockwise {
		return []orb.Point{{x, y}, {x, y + size}, {x + size, y + size}, {x + size, y}, {x, y}}
	}
	return r
}

func TestParseShpRecords(t *testing.T) {
	point := func(typ int32, vals ...float64) []byte {
		b := binary.LittleEndian.AppendUint32(nil, uint32(typ))
		for _, v := range vals {
			b = binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
		}
		return b
	}
	multipoint := binary.LittleEndian.AppendUint32(nil, shpMultiPointZ)
	multipoint = append(multipoint, make([]byte, 32)...)
	multipoint = binary.LittleEndian.AppendUint32(multipoint, 2)
	for _, v := range []float64{1, 2, 3, 4, 0, 0, 7, 8, 0, 0, 9, 10} {
		multipoint = binary.LittleEndian.AppendUint64(multipoint, math.Float64bits(v))
	}
	tests := []struct {
		name string
		rec  []byte
		want orb.Geometry
		err  string
	}{
		{"null", point(shpNull), nil, ""},
		{"point", point(shpPoint, 155000, 463000), orb.Point{155000, 463000}, ""},
		{"pointZ", point(shpPointZ, 1, 2, 3, 4), orb.Point{1, 2}, ""},
		{"pointM", point(shpPointM, 1, 2, 3), orb.Point{1, 2}, ""},
		{"multipointZ", multipoint, orb.MultiPoint{{1, 2}, {3, 4}}, ""},
		{"polyline one part", shpRecord(shpPolyLine, [][]orb.Point{{{0, 0}, {1, 1}}}, false), orb.LineString{{0, 0}, {1, 1}}, ""},
		{"polylineZ two parts", shpRecord(shpPolyLineZ, [][]orb.Point{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}}, true),
			orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}}}, ""},
		{"polygonZ with hole", shpRecord(shpPolygonZ, [][]orb.Point{square(0, 0, 10, true), square(2, 2, 2, false)}, true),
			orb.Polygon{square(0, 0, 10, false), square(2, 2, 2, true)}, ""},
		{"polygonM hole listed before shell", shpRecord(shpPolygonM, [][]orb.Point{square(2, 2, 2, false), square(0, 0, 10, true)}, true),
			orb.Polygon{square(0, 0, 10, false), square(2, 2, 2, true)}, ""},
		{"two shells, hole in the second",
			shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 10, true), square(20, 0, 10, true), square(22, 2, 2, false)}, false),
			orb.MultiPolygon{{square(0, 0, 10, false)}, {square(20, 0, 10, false), square(22, 2, 2, true)}}, ""},
		{"hole goes to the smallest containing shell (island in a lake)",
			shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 100, true), square(10, 10, 50, false), square(20, 20, 20, true), square(25, 25, 5, false)}, false),
			orb.MultiPolygon{{square(0, 0, 100, false), square(10, 10, 50, true)}, {square(20, 20, 20, false), square(25, 25, 5, true)}}, ""},
		{"orphan hole becomes a shell",
			shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 10, true), square(50, 50, 2, false)}, false),
			orb.MultiPolygon{{square(0, 0, 10, false)}, {square(50, 50, 2, false)}}, ""},
		{"all counter-clockwise: nesting decides",
			shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 10, false), square(2, 2, 2, false)}, false),
			orb.Polygon{square(0, 0, 10, false), square(2, 2, 2, true)}, ""},
		{"unclosed ring is closed",
			shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 10, true)[:4]}, false),
			orb.Polygon{square(0, 0, 10, false)}, ""},
		{"empty polygon", shpRecord(shpPolygon, nil, false), nil, ""},
		{"multipatch", point(shpMultiPatch, 0, 0, 0, 0), nil, "MultiPatch"},
		{"unknown type", point(99), nil, "shape type 99"},
		{"too many points", func() []byte {
			b := shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 1, true)}, false)
			binary.LittleEndian.PutUint32(b[40:44], 1000)
			return b
		}(), nil, "claims 1 parts and 1000 points"},
		{"bad part index", func() []byte {
			b := shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 1, true), square(5, 5, 1, true)}, false)
			binary.LittleEndian.PutUint32(b[48:52], 99)
			return b
		}(), nil, "part 1 has invalid point indexes 0..99"},
		{"short point", point(shpPoint, 1), nil, "point record too short"},
		{"short record", []byte{1, 0}, nil, "too short for a shape type"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := parseShpRecord(tc.rec)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(g, tc.want) {
				t.Errorf("got  %v\nwant %v", g, tc.want)
			}
		})
	}
}

func TestParseShpFile(t *testing.T) {
	b := shpFile(shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 1, true)}, false), binary.LittleEndian.AppendUint32(nil, shpNull))
	gs, bad, err := parseShp(context.Background(), b)
	if err != nil || len(gs) != 2 || gs[1] != nil || bad != nil {
		t.Fatalf("%v %v %v", gs, bad, err)
	}
	if _, _, err := parseShp(context.Background(), b[:len(b)-2]); err == nil || !strings.Contains(err.Error(), "shape 2 is truncated: its record needs 4 bytes but the file ends after 2") {
		t.Errorf("error %v", err)
	}
	if _, _, err := parseShp(context.Background(), b[:len(b)-6]); err == nil || !strings.Contains(err.Error(), "shape 2 is truncated: the file ends inside its record header") {
		t.Errorf("error %v", err)
	}
	if _, _, err := parseShp(context.Background(), b[:60]); err == nil || !strings.Contains(err.Error(), "too short for a shapefile header") {
		t.Errorf("error %v", err)
	}
}

func TestReadShapefileRowErrors(t *testing.T) {
	patch := binary.LittleEndian.AppendUint32(nil, shpMultiPatch)
	patch = append(patch, make([]byte, 40)...)
	shp := shpFile(
		shpRecord(shpPolygon, [][]orb.Point{square(0, 0, 1, true)}, false),
		shpRecord(shpPolygon, [][]orb.Point{square(2, 0, 1, true)}, false), // deleted in the .dbf
		patch,
		shpRecord(shpPolygon, [][]orb.Point{square(6, 0, 1, true)}, false),
	)
	tb, err := decodeShapefile(context.Background(), shapefileParts{shpName: "x.shp", shp: shp, dbf: testDBF()})
	if len(tb.Records) != 3 || tb.Records[1].Row != 3 || tb.Records[1].Geometry != nil || tb.Records[2].Geometry == nil {
		t.Fatalf("records %+v", tb.Records)
	}
	var re *ReadError
	if !errors.As(err, &re) || !errors.Is(err, ErrUnsupportedGeometry) {
		t.Fatalf("error %v", err)
	}
	want := `x.shp, row 3, column "geometry": unreadable shape: unsupported geometry type: MultiPatch (3D surfaces); export the footprints as Polygon or PolygonZ`
	if err.Error() != want {
		t.Errorf("error\n%s\nwant\n%s", err, want)
	}
}

func FuzzShapefile(f *testing.F) {
	zr, err := zip.OpenReader(spatialFixture("gebouwen_cp1252.zip"))
	if err != nil {
		f.Fatal(err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		files[filepath.Ext(zf.Name)], _ = io.ReadAll(rc)
		rc.Close()
	}
	zr.Close()
	f.Add(files[".shp"], files[".dbf"])
	f.Add(shpFile(shpRecord(shpPolygonZ, [][]orb.Point{square(0, 0, 10, true), square(2, 2, 2, false)}, true)), testDBF())
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, shp, dbf []byte) {
		gs, bad, err := parseShp(context.Background(), shp)
		if err != nil && gs != nil {
			t.Fatal("shapes with error")
		}
		for n := range bad {
			if n < 1 || n > len(gs) || gs[n-1] != nil {
				t.Fatalf("bad record %d of %d has a geometry", n, len(gs))
			}
		}
		tb, err := parseDBF(dbf, "")
		if err != nil {
			return
		}
		cols := tb.Columns()
		for i := 0; i < tb.Len(); i++ {
			v, _ := tb.Record(i)
			if len(v) != len(cols) {
				t.Fatalf("record %d has %d values for %d columns", i, len(v), len(cols))
			}
		}
	})
}
