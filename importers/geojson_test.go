package importers

import (
	"context"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

func readGeoJSONFile(t *testing.T, name string) Table {
	t.Helper()
	f, err := os.Open(spatialFixture(name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tb, err := readGeoJSON(context.Background(), name, f)
	if err != nil {
		t.Fatalf("readGeoJSON(%s): %v", name, err)
	}
	return tb
}

func TestReadGeoJSONFixtures(t *testing.T) {
	wantCols := []string{"NAAM", "GEMEENTE", "BOUWWERKCODE", "UVID", "AFSTOOTSTATUS", "BVO", "BOUWJAAR", "LEEG_SINDS", "MONUMENT"}
	for _, tc := range []struct {
		file string
		crs  geo.CRS
		rd   bool
	}{
		{"src/gebouwen_rd.geojson", geo.RDNew, true}, // hand-written, legacy crs URN
		{"gebouwen_rd.geojson", geo.RDNew, true},     // as GDAL writes RD
		{"gebouwen_wgs84.geojson", geo.WGS84, false}, // RFC 7946, no crs member
	} {
		t.Run(tc.file, func(t *testing.T) {
			tb := readGeoJSONFile(t, tc.file)
			if tb.CRS != tc.crs {
				t.Errorf("CRS %q, want %q", tb.CRS, tc.crs)
			}
			if !reflect.DeepEqual(tb.Columns, wantCols) {
				t.Errorf("Columns %v, want %v", tb.Columns, wantCols)
			}
			checkGebouwen(t, tb, nil, "true", "false", tc.rd)
		})
	}
}

func TestReadGeoJSONWGS84Vertex(t *testing.T) {
	// GDAL's RFC 7946 writer rounds to 7 decimals; ogrinfo of the 4326
	// GeoPackage gives 5.11729237154339 52.0883570164813.
	tb := readGeoJSONFile(t, "gebouwen_wgs84.geojson")
	p, _ := firstVertex(t, tb.Records[0].Geometry)
	if !near(p, orb.Point{5.11729237154339, 52.0883570164813}, 1e-7) {
		t.Errorf("first vertex %v", p)
	}
}

func readGeoJSONString(s string) (Table, error) {
	return readGeoJSON(context.Background(), "test.geojson", strings.NewReader(s))
}

func TestReadGeoJSONForms(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		crs     geo.CRS
		cols    []string
		values  []map[string]string
		geoms   []orb.Geometry
		wantErr string
	}{
		{
			name: "single feature with id, Z dropped",
			in:   `{"type":"Feature","id":"gebouw.7","properties":{"naam":"Kazerne"},"geometry":{"type":"Point","coordinates":[5.1,52.1,3.5]}}`,
			crs:  geo.WGS84, cols: []string{"naam", "id"},
			values: []map[string]string{{"naam": "Kazerne", "id": "gebouw.7"}},
			geoms:  []orb.Geometry{orb.Point{5.1, 52.1}},
		},
		{
			name: "bare geometry",
			in:   `{"type":"LineString","coordinates":[[1,2],[3,4,5]]}`,
			crs:  geo.WGS84, cols: nil,
			values: []map[string]string{{}},
			geoms:  []orb.Geometry{orb.LineString{{1, 2}, {3, 4}}},
		},
		{
			name: "id property wins over feature id; value rendering",
			in: `{"type":"FeatureCollection","features":[{"type":"Feature","id":12,"properties":{"id":"A","n":1.5e3,"big":12345678901234567890,` +
				`"d":2.50,"b":false,"x":null,"o":{"a": [1, 2]},"s":"é"},"geometry":null}]}`,
			crs: geo.WGS84, cols: []string{"id", "n", "big", "d", "b", "x", "o", "s"},
			values: []map[string]string{{"id": "A", "n": "1500", "big": "12345678901234567890", "d": "2.5", "b": "false", "x": "",
				"o": `{"a":[1,2]}`, "s": "é"}},
			geoms: []orb.Geometry{nil},
		},
		{
			name: "columns in first-seen order, numeric feature id",
			in: `{"type":"FeatureCollection","features":[{"type":"Feature","id":3,"properties":{"b":"1"},"geometry":null},` +
				`{"type":"Feature","properties":{"a":"2","b":"3"},"geometry":null}]}`,
			crs: geo.WGS84, cols: []string{"b", "id", "a"},
			values: []map[string]string{{"b": "1", "id": "3"}, {"a": "2", "b": "3"}},
			geoms:  []orb.Geometry{nil, nil},
		},
		{
			name: "legacy crs EPSG:28992 short form",
			in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:28992"}},"features":[` +
				`{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[155000,463000]}}]}`,
			crs: geo.RDNew, values: []map[string]string{{}}, geoms: []orb.Geometry{orb.Point{155000, 463000}},
		},
		{
			name: "crs member after features, CRS84",
			in: `{"type":"FeatureCollection","features":[{"type":"Feature","properties":null,"geometry":{"type":"MultiPoint","coordinates":[[5,52]]}}],` +
				`"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}}}`,
			crs: geo.WGS84, values: []map[string]string{{}}, geoms: []orb.Geometry{orb.MultiPoint{{5, 52}}},
		},
		{
			name: "old GeoJSON EPSG crs type",
			in:   `{"type":"FeatureCollection","crs":{"type":"EPSG","properties":{"code":28992}},"features":[]}`,
			crs:  geo.RDNew,
		},
		{
			name: "no crs member but RD coordinates: CRS left for detection",
			in:   `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[136000,455000]}}]}`,
			crs:  "", values: []map[string]string{{}}, geoms: []orb.Geometry{orb.Point{136000, 455000}},
		},
		{
			name: "geometry collection, UTF-8 BOM",
			in:   "\xef\xbb\xbf" + `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}]}`,
			crs:  geo.WGS84, values: []map[string]string{{}},
			geoms: []orb.Geometry{orb.Collection{orb.Point{1, 2}, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}},
		},
		{name: "unsupported crs", in: `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}`,
			wantErr: "test.geojson: the file declares coordinate reference system \"EPSG:3857\", which plekwijzer cannot read"},
		{name: "array top level", in: `[1,2]`, wantErr: "holds a JSON array, not a GeoJSON object"},
		{name: "no type", in: `{"a":1}`, wantErr: "has no \"type\" member"},
		{name: "unknown type", in: `{"type":"Topology"}`, wantErr: `"type": "Topology" is not a GeoJSON type`},
		{name: "bad geometry type", in: `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Circle","coordinates":[1,2]}}]}`,
			wantErr: `test.geojson, row 1, column "geometry": invalid geometry: unknown geometry type "Circle"`},
		{name: "bad nesting", in: `{"type":"FeatureCollection","features":[{"type":"Feature"},{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[1,2],[3,4]]}}]}`,
			wantErr: `test.geojson, row 2, column "geometry": invalid geometry: the coordinates of a Polygon are not nested as GeoJSON requires`},
		{name: "short position", in: `{"type":"Point","coordinates":[[1]]}`, wantErr: "not nested"},
		{name: "feature of wrong type", in: `{"type":"FeatureCollection","features":[{"type":"Point"}]}`,
			wantErr: `test.geojson, row 1, column "type": a member of "features" has the wrong "type"; every feature must be {"type": "Feature", ...} (value "Point")`},
		{name: "features not array", in: `{"type":"FeatureCollection","features":{}}`, wantErr: `"features" must be an array`},
		{name: "empty", in: " \n", wantErr: "the file is empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := readGeoJSONString(tc.in)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want it to contain %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tb.CRS != tc.crs {
				t.Errorf("CRS %q, want %q", tb.CRS, tc.crs)
			}
			if !reflect.DeepEqual(tb.Columns, tc.cols) {
				t.Errorf("Columns %#v, want %#v", tb.Columns, tc.cols)
			}
			if len(tb.Records) != len(tc.values) {
				t.Fatalf("%d records, want %d", len(tb.Records), len(tc.values))
			}
			for i, r := range tb.Records {
				if r.Row != i+1 {
					t.Errorf("record %d: Row %d", i, r.Row)
				}
				if !reflect.DeepEqual(r.Values, tc.values[i]) {
					t.Errorf("record %d: Values %#v, want %#v", i, r.Values, tc.values[i])
				}
				if !reflect.DeepEqual(r.Geometry, tc.geoms[i]) {
					t.Errorf("record %d: Geometry %#v, want %#v", i, r.Geometry, tc.geoms[i])
				}
			}
		})
	}
}

func TestReadGeoJSONRowErrors(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
		{"type":"Feature","properties":{"naam":"goed"},"geometry":{"type":"Point","coordinates":[5,52]}},
		{"type":"Feature","properties":{"naam":"cirkel"},"geometry":{"type":"Circle","coordinates":[5,52]}},
		7,
		{"type":"Feature","properties":[1],"geometry":{"type":"Point","coordinates":[5,52]}},
		{"type":"Feature","properties":{"naam":"ook goed"},"geometry":{"type":"Point","coordinates":[6,52]}}]}`
	tb, err := readGeoJSONString(in)
	if len(tb.Records) != 5 || tb.CRS != geo.WGS84 {
		t.Fatalf("%d records, CRS %q", len(tb.Records), tb.CRS)
	}
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v is not a joined list", err)
	}
	var got []string
	for _, e := range j.Unwrap() {
		var re *ReadError
		if !errors.As(e, &re) || !errors.Is(e, ErrSyntax) {
			t.Fatalf("%v is not a *ReadError wrapping ErrSyntax", e)
		}
		got = append(got, e.Error())
	}
	want := []string{
		`test.geojson, row 2, column "geometry": invalid geometry: unknown geometry type "Circle" (expected Point, LineString, Polygon, their Multi variants or GeometryCollection)`,
		`test.geojson, row 3: a member of "features" is not a Feature object`,
		`test.geojson, row 4, column "properties": "properties" must be an object such as {"naam": "..."}`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("errors\n%q\nwant\n%q", got, want)
	}
	if tb.Records[1].Geometry != nil || tb.Records[1].Values["naam"] != "cirkel" || tb.Records[4].Values["naam"] != "ook goed" {
		t.Errorf("records %+v", tb.Records)
	}
}

func TestReadGeoJSONSyntaxError(t *testing.T) {
	in := "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n    {\"type\": \"Feature\" \"properties\": {}}\n  ]\n}\n"
	_, err := readGeoJSONString(in)
	if err == nil {
		t.Fatal("no error")
	}
	// The offending quote is on line 4, column 24.
	want := "test.geojson, line 4, column 24: invalid JSON: '\"' after object key:value pair (a comma is missing)"
	if err.Error() != want {
		t.Errorf("error\n %q, want\n %q", err.Error(), want)
	}
	if !errors.Is(err, ErrSyntax) {
		t.Error("error does not wrap ErrSyntax")
	}
	var fe *FileError
	if !errors.As(err, &fe) {
		t.Error("not a *FileError")
	}

	_, err = readGeoJSONString("{\"type\": \"FeatureCollection\",\n \"features\": [")
	if err == nil || !strings.Contains(err.Error(), "line 2, column 14") || !strings.Contains(err.Error(), "cut off") {
		t.Errorf("truncated: %v", err)
	}
	// Columns count characters, not bytes.
	_, err = readGeoJSONString(`{"naam": "Café", x}`)
	if err == nil || !strings.Contains(err.Error(), "line 1, column 18") {
		t.Errorf("accented: %v", err)
	}
}

func TestReadGeoJSONContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := readGeoJSON(ctx, "x.geojson", strings.NewReader(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null}]}`))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func FuzzReadGeoJSON(f *testing.F) {
	for _, name := range []string{"gebouwen_rd.geojson", "gebouwen_wgs84.geojson"} {
		b, err := os.ReadFile(spatialFixture(name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{
		`{"type":"Feature","id":1,"properties":{"a":[1,{"b":null}]},"geometry":{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]}]}}`,
		`{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[0,1],[0,0]]]]}`,
		`{"type":"FeatureCollection","crs":{"type":"EPSG","properties":{"code":"28992"}},"features":[null,{}]}`,
		`{"type":"Point","coordinates":[]}`, `{`, `[`, `""`, `{"type":"FeatureCollection","features":[1]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tb, err := readGeoJSON(context.Background(), "fuzz.geojson", strings.NewReader(string(b)))
		if err != nil {
			return
		}
		for i, r := range tb.Records {
			if r.Row != i+1 || r.Values == nil {
				t.Fatalf("record %d: %+v", i, r)
			}
		}
	})
}
