package api

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
	_ "modernc.org/sqlite" // GeoPackage writer
)

// WKT (OGC 01-009) definitions written into gpkg_spatial_ref_sys.
const (
	wktRDNew = `PROJCS["Amersfoort / RD New",GEOGCS["Amersfoort",DATUM["Amersfoort",SPHEROID["Bessel 1841",6377397.155,299.1528128,AUTHORITY["EPSG","7004"]],TOWGS84[565.2369,50.0087,465.658,-0.406857,0.350733,-1.87035,4.0812],AUTHORITY["EPSG","6289"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4289"]],PROJECTION["Oblique_Stereographic"],PARAMETER["latitude_of_origin",52.1561605555556],PARAMETER["central_meridian",5.38763888888889],PARAMETER["scale_factor",0.9999079],PARAMETER["false_easting",155000],PARAMETER["false_northing",463000],UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],AUTHORITY["EPSG","28992"]]`
	wktWGS84 = `GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]`
)

const gpkgSchema = `
PRAGMA application_id = 1196444487;
PRAGMA user_version = 10300;
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
INSERT INTO gpkg_spatial_ref_sys VALUES
  ('Undefined cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined cartesian coordinate reference system'),
  ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
`

// renderGPKG writes the selection as a GeoPackage download, feature by
// feature into a temporary file (memory stays at one feature) that is then
// sent from disk. Geometries are in RD New unless the crs parameter asks
// for WGS 84 (then lon/lat, EPSG:4326 as GeoPackage stores it).
func (s *Server) renderGPKG(c echo.Context, coll Collection, iq itemsQuery) error {
	crs := geo.RDNew
	if c.QueryParam("crs") != "" && iq.crs.Geographic() {
		crs = geo.CRS84
	}
	dir, err := os.MkdirTemp("", "plekwijzer-gpkg-")
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, coll.ID+".gpkg")
	ctx := c.Request().Context()
	source := func(yield func(*Feature) error) error {
		_, err := s.cat.Items(ctx, coll.ID, iq.Query, yield)
		return err
	}
	if err := WriteGeoPackage(ctx, path, coll, source, crs); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer f.Close()
	c.Response().Header().Set(headerCRS, "<"+crs.URI()+">")
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+url.PathEscape(coll.ID)+`.gpkg"`)
	return c.Stream(http.StatusOK, mediaGPKG, f)
}

// FeatureSource passes features to yield one by one, until yield returns
// an error.
type FeatureSource func(yield func(*Feature) error) error

// Features returns a FeatureSource over a slice.
func Features(fs []*Feature) FeatureSource {
	return func(yield func(*Feature) error) error {
		for _, f := range fs {
			if err := yield(f); err != nil {
				return err
			}
		}
		return nil
	}
}

// WriteGeoPackage writes the features of coll from source (geometries in
// RD New) to a new GeoPackage 1.3 file at path, as one feature table named
// after the collection, with geometries in crs (RD New, or CRS84/WGS84 as
// EPSG:4326 lon/lat). Rows are written as they come into a staging table
// and moved into the feature table once its geometry type and extent are
// known, so that memory does not grow with the number of features.
func WriteGeoPackage(ctx context.Context, path string, coll Collection, source FeatureSource, crs geo.CRS) error {
	db, err := sql.Open("sqlite", path)
	if err != nil {
		return fmt.Errorf("gpkg: open %s: %w", path, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, gpkgSchema); err != nil {
		return fmt.Errorf("gpkg: schema: %w", err)
	}
	srsID := 28992
	if crs.Geographic() {
		srsID = 4326
		crs = geo.CRS84
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO gpkg_spatial_ref_sys VALUES
		('Amersfoort / RD New', 28992, 'EPSG', 28992, ?, 'Rijksdriehoeksstelsel'),
		('WGS 84 geodetic', 4326, 'EPSG', 4326, ?, 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid')`,
		wktRDNew, wktWGS84); err != nil {
		return fmt.Errorf("gpkg: spatial_ref_sys: %w", err)
	}
	table := coll.ID
	cols := []string{`"fid" INTEGER PRIMARY KEY AUTOINCREMENT`, `"geom" %s`, `"feature_id" TEXT`}
	names := []string{`"geom"`, `"feature_id"`}
	for _, p := range coll.Properties {
		cols = append(cols, quoteIdent(p.Name)+" "+gpkgType(p.Type))
		names = append(names, quoteIdent(p.Name))
	}
	create := "CREATE TABLE %s (" + strings.Join(cols, ", ") + ")"
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer tx.Rollback()
	const staging = `"plekwijzer_staging"`
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(create, staging, "GEOMETRY")); err != nil {
		return fmt.Errorf("gpkg: create table: %w", err)
	}
	ph := strings.TrimSuffix(strings.Repeat("?, ", len(names)), ", ")
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+staging+" ("+strings.Join(names, ", ")+") VALUES ("+ph+")")
	if err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	defer stmt.Close()
	var bound orb.Bound
	geomType, n := "", 0
	args := make([]any, len(names))
	err = source(func(f *Feature) error {
		n++
		g := fromStorage(f.Geometry, crs)
		if g != nil {
			t := strings.ToUpper(g.GeoJSONType())
			switch {
			case geomType == "":
				geomType, bound = t, g.Bound()
			default:
				if geomType != t {
					geomType = "GEOMETRY"
				}
				bound = bound.Union(g.Bound())
			}
		}
		var err error
		if args[0], err = gpkgGeometry(g, srsID); err != nil {
			return fmt.Errorf("gpkg: feature %s: %w", f.ID, err)
		}
		args[1] = f.ID
		for j, p := range coll.Properties {
			args[j+2] = gpkgValue(f.Properties[p.Name], p.Type)
		}
		if _, err := stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("gpkg: feature %s: %w", f.ID, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if geomType == "" {
		geomType = "GEOMETRY"
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(create, quoteIdent(table), geomType)); err != nil {
		return fmt.Errorf("gpkg: create table: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO "+quoteIdent(table)+" SELECT * FROM "+staging+" ORDER BY fid"); err != nil {
		return fmt.Errorf("gpkg: copy rows: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "DROP TABLE "+staging); err != nil {
		return fmt.Errorf("gpkg: %w", err)
	}
	var minX, minY, maxX, maxY any
	if n > 0 && geomType != "" && bound != (orb.Bound{}) {
		minX, minY, maxX, maxY = bound.Min[0], bound.Min[1], bound.Max[0], bound.Max[1]
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change, min_x, min_y, max_x, max_y, srs_id)
		VALUES (?, 'features', ?, ?, ?, ?, ?, ?, ?, ?)`, table, coll.Title, coll.Description,
		time.Now().UTC().Format("2006-01-02T15:04:05.000Z"), minX, minY, maxX, maxY, srsID); err != nil {
		return fmt.Errorf("gpkg: contents: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)`, table, geomType, srsID); err != nil {
		return fmt.Errorf("gpkg: geometry_columns: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("gpkg: commit: %w", err)
	}
	return nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func gpkgType(t string) string {
	switch t {
	case TypeNumber:
		return "REAL"
	case TypeInteger:
		return "INTEGER"
	case TypeBoolean:
		return "BOOLEAN"
	case TypeDate:
		return "DATE"
	}
	return "TEXT"
}

func gpkgValue(v any, typ string) any {
	if _, ok := cql2.Compare(v, v); !ok {
		return nil // NULL or unsupported
	}
	switch typ {
	case TypeBoolean:
		if c, _ := cql2.Compare(v, true); c == 0 {
			return 1
		}
		return 0
	case TypeNumber, TypeInteger:
		f, ok := toFloat(v)
		if !ok {
			return nil
		}
		if typ == TypeInteger {
			return int64(math.Round(f))
		}
		return f
	}
	return formatValue(v, false)
}

// toFloat returns a numeric property value as float64.
func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case float32:
		return float64(x), true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	case int32:
		return float64(x), true
	case *float64:
		if x != nil {
			return *x, true
		}
	case *int:
		if x != nil {
			return float64(*x), true
		}
	}
	return 0, false
}

// gpkgGeometry encodes g as GeoPackage binary: header (magic "GP", version
// 0, flags: little endian with an xy envelope), srs id, envelope, then WKB.
func gpkgGeometry(g orb.Geometry, srsID int) ([]byte, error) {
	if g == nil {
		return nil, nil
	}
	body, err := wkb.Marshal(g, binary.LittleEndian)
	if err != nil {
		return nil, err
	}
	b := g.Bound()
	out := make([]byte, 8+32, 8+32+len(body))
	out[0], out[1], out[2], out[3] = 'G', 'P', 0, 0x03
	binary.LittleEndian.PutUint32(out[4:], uint32(int32(srsID)))
	for i, v := range []float64{b.Min[0], b.Max[0], b.Min[1], b.Max[1]} {
		binary.LittleEndian.PutUint64(out[8+8*i:], math.Float64bits(v))
	}
	return append(out, body...), nil
}
