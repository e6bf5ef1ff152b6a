package importers

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"
	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/plekwijzer/plekwijzer/geo"
)

// gpkgLayer is one feature table listed in gpkg_contents.
type gpkgLayer struct {
	Table    string
	Column   string // geometry column
	GeomType string
	SRSID    int64
}

// readGeoPackage reads one feature table (layer "" = the only / first one) of
// a GeoPackage file. Owner: spatial readers.
//
// The file is opened read-only. layer "" selects the only feature table;
// when there are several the error lists them so that the user can pass
// one by name (matched exactly, then case-insensitively). Every
// non-geometry column, the fid included, becomes a Value; Row counts
// features in primary key order. A feature whose geometry cannot be
// decoded is kept with a nil Geometry and reported as a *ReadError
// (joined with errors.Join) next to the Table. Table.CRS is EPSG:28992 or EPSG:4326 from
// gpkg_spatial_ref_sys, "" for an undefined SRS; other CRSs are an error.
func readGeoPackage(ctx context.Context, path string, layer string) (Table, error) {
	name := filepath.Base(path)
	t := Table{File: name}
	if err := checkSQLiteHeader(name, path); err != nil {
		return t, err
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	db, err := sql.Open("sqlite", "file:"+sqliteURIPath(abs)+"?mode=ro")
	if err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)

	layers, err := gpkgLayers(ctx, db, name)
	if err != nil {
		return t, err
	}
	l, err := pickGPKGLayer(ctx, db, name, layers, layer)
	if err != nil {
		return t, err
	}
	if t.CRS, err = gpkgCRS(ctx, db, name, l); err != nil {
		return t, err
	}
	t.Columns, t.Records, err = gpkgFeatures(ctx, db, name, l)
	return t, err
}

// checkSQLiteHeader rejects files that are not SQLite databases before the
// driver gives a cryptic message.
func checkSQLiteHeader(name, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	defer f.Close()
	head := make([]byte, 16)
	if _, err := io.ReadFull(f, head); err != nil || string(head) != "SQLite format 3\x00" {
		return spatialError(name, ErrNotGeoPackage,
			"the file is not a GeoPackage (not an SQLite database); export the layer from QGIS or ArcGIS as GeoPackage (.gpkg)")
	}
	return nil
}

// sqliteURIPath escapes the characters with a meaning in SQLite URIs.
func sqliteURIPath(p string) string {
	p = filepath.ToSlash(p)
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '%', '?', '#':
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	if !strings.HasPrefix(b.String(), "/") {
		return "/" + b.String() // Windows drive letter: file:/C:/...
	}
	return b.String()
}

// gpkgLayers lists the feature tables in gpkg_contents order.
func gpkgLayers(ctx context.Context, db *sql.DB, name string) ([]gpkgLayer, error) {
	var n int
	err := db.QueryRowContext(ctx,
		`SELECT count(*) FROM sqlite_master WHERE type IN ('table','view') AND name IN ('gpkg_contents','gpkg_geometry_columns')`).Scan(&n)
	if err != nil {
		return nil, spatialError(name, ErrNotGeoPackage, "cannot read the database: %v", err)
	}
	if n < 2 {
		return nil, spatialError(name, ErrNotGeoPackage,
			"the file is an SQLite database but not a GeoPackage (it has no gpkg_contents and gpkg_geometry_columns tables)")
	}
	rows, err := db.QueryContext(ctx, `
		SELECT c.table_name, g.column_name, g.geometry_type_name, g.srs_id
		FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
		WHERE lower(c.data_type) = 'features'
		ORDER BY c.rowid`)
	if err != nil {
		return nil, spatialError(name, ErrNotGeoPackage, "cannot read gpkg_contents: %v", err)
	}
	defer rows.Close()
	var layers []gpkgLayer
	for rows.Next() {
		var l gpkgLayer
		if err := rows.Scan(&l.Table, &l.Column, &l.GeomType, &l.SRSID); err != nil {
			return nil, spatialError(name, ErrNotGeoPackage, "cannot read gpkg_contents: %v", err)
		}
		layers = append(layers, l)
	}
	if err := rows.Err(); err != nil {
		return nil, spatialError(name, ErrNotGeoPackage, "cannot read gpkg_contents: %v", err)
	}
	return layers, nil
}

// pickGPKGLayer chooses the layer the user asked for.
func pickGPKGLayer(ctx context.Context, db *sql.DB, name string, layers []gpkgLayer, want string) (gpkgLayer, error) {
	if len(layers) == 0 {
		other := gpkgOtherTables(ctx, db)
		msg := "the GeoPackage contains no feature tables (layers with geometry)"
		if other != "" {
			msg += "; it holds only " + other
		}
		return gpkgLayer{}, spatialError(name, ErrLayer, "%s", msg+": export the layer with its geometry")
	}
	list := make([]string, len(layers))
	for i, l := range layers {
		list[i] = strconv.Quote(l.Table)
	}
	want = strings.TrimSpace(want)
	if want == "" {
		if len(layers) == 1 {
			return layers[0], nil
		}
		return gpkgLayer{}, spatialError(name, ErrLayer,
			"the GeoPackage holds %d layers (%s): choose one with --sheet NAME", len(layers), strings.Join(list, ", "))
	}
	for _, l := range layers {
		if l.Table == want {
			return l, nil
		}
	}
	for _, l := range layers {
		if strings.EqualFold(l.Table, want) {
			return l, nil
		}
	}
	return gpkgLayer{}, spatialError(name, ErrLayer,
		"the GeoPackage has no layer %q; its layers are %s", want, strings.Join(list, ", "))
}

// gpkgOtherTables lists non-feature contents for the "no layers" message.
func gpkgOtherTables(ctx context.Context, db *sql.DB) string {
	rows, err := db.QueryContext(ctx, `SELECT table_name, data_type FROM gpkg_contents ORDER BY rowid`)
	if err != nil {
		return ""
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t, d string
		if rows.Scan(&t, &d) == nil {
			out = append(out, fmt.Sprintf("%q (%s)", t, d))
		}
	}
	return strings.Join(out, ", ")
}

// gpkgCRS looks the layer's srs_id up in gpkg_spatial_ref_sys.
func gpkgCRS(ctx context.Context, db *sql.DB, name string, l gpkgLayer) (geo.CRS, error) {
	var (
		org  sql.NullString
		code sql.NullInt64
		srs  sql.NullString
	)
	err := db.QueryRowContext(ctx,
		`SELECT organization, organization_coordsys_id, srs_name FROM gpkg_spatial_ref_sys WHERE srs_id = ?`, l.SRSID).
		Scan(&org, &code, &srs)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if l.SRSID <= 0 {
			return "", nil
		}
		return "", spatialError(name, ErrNotGeoPackage,
			"layer %q uses srs_id %d, which is missing from gpkg_spatial_ref_sys", l.Table, l.SRSID)
	case err != nil:
		return "", spatialError(name, ErrNotGeoPackage, "cannot read gpkg_spatial_ref_sys: %v", err)
	}
	if strings.EqualFold(org.String, "EPSG") {
		if c, ok := crsFromEPSG(code.Int64); ok {
			return c, nil
		}
	}
	if strings.EqualFold(org.String, "NONE") || l.SRSID <= 0 {
		return "", nil // GeoPackage "undefined cartesian/geographic SRS"
	}
	return "", spatialError(name, geo.ErrUnknownCRS, "layer %q: %s", l.Table,
		unsupportedCRSMsg(fmt.Sprintf("%s:%d (%s)", org.String, code.Int64, srs.String)))
}

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// gpkgFeatures reads all features of layer l in primary key order.
func gpkgFeatures(ctx context.Context, db *sql.DB, name string, l gpkgLayer) ([]string, []Record, error) {
	info, err := db.QueryContext(ctx, `SELECT name, type, pk FROM pragma_table_info(?) ORDER BY cid`, l.Table)
	if err != nil {
		return nil, nil, spatialError(name, ErrNotGeoPackage, "cannot read the columns of layer %q: %v", l.Table, err)
	}
	var (
		cols, types []string
		pk          string
		selects     []string
	)
	for info.Next() {
		var c, typ string
		var isPK int
		if err := info.Scan(&c, &typ, &isPK); err != nil {
			info.Close()
			return nil, nil, spatialError(name, ErrNotGeoPackage, "cannot read the columns of layer %q: %v", l.Table, err)
		}
		if isPK == 1 && pk == "" {
			pk = c
		}
		if strings.EqualFold(c, l.Column) {
			continue
		}
		cols = append(cols, c)
		types = append(types, strings.ToUpper(typ))
		selects = append(selects, quoteIdent(c))
	}
	info.Close()
	if err := info.Err(); err != nil {
		return nil, nil, spatialError(name, ErrNotGeoPackage, "cannot read the columns of layer %q: %v", l.Table, err)
	}
	order := "rowid"
	if pk != "" {
		order = quoteIdent(pk)
	}
	selects = append(selects, quoteIdent(l.Column))
	rows, err := db.QueryContext(ctx, fmt.Sprintf(`SELECT %s FROM %s ORDER BY %s`,
		strings.Join(selects, ", "), quoteIdent(l.Table), order))
	if err != nil {
		return nil, nil, spatialError(name, ErrNotGeoPackage, "cannot read layer %q: %v", l.Table, err)
	}
	defer rows.Close()
	dest := make([]any, len(selects))
	ptrs := make([]any, len(selects))
	for i := range dest {
		ptrs[i] = &dest[i]
	}
	var (
		records []Record
		rowErrs []error
	)
	for rows.Next() {
		row := len(records) + 1
		if row%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, nil, spatialError(name, ErrNotGeoPackage, "layer %q, feature %d: %v", l.Table, row, err)
		}
		rec := Record{Row: row, Values: make(map[string]string, len(cols))}
		for i, c := range cols {
			rec.Values[c] = sqliteValueString(dest[i], types[i])
		}
		switch blob := dest[len(cols)].(type) {
		case nil:
		case []byte:
			g, err := decodeGPKGGeometry(blob)
			if err != nil {
				sentinel := ErrCorrupt
				if errors.Is(err, ErrUnsupportedGeometry) {
					sentinel = ErrUnsupportedGeometry
				}
				rowErrs = append(rowErrs, &ReadError{File: name, Row: row, Column: l.Column, Err: sentinel,
					Msg: "unreadable geometry: " + err.Error()})
			}
			rec.Geometry = g
		default:
			rowErrs = append(rowErrs, &ReadError{File: name, Row: row, Column: l.Column, Err: ErrCorrupt,
				Value: sqliteValueString(blob, ""), Msg: "the geometry column holds text or a number, not a GeoPackage geometry"})
		}
		records = append(records, rec)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, spatialError(name, ErrNotGeoPackage, "cannot read layer %q: %v", l.Table, err)
	}
	return cols, records, errors.Join(rowErrs...)
}

// sqliteValueString renders a column value as a Record value. declType is
// the declared column type (upper case): BOOLEAN 0/1 becomes false/true,
// DATE a YYYY-MM-DD date.
func sqliteValueString(v any, declType string) string {
	switch v := v.(type) {
	case nil:
		return ""
	case int64:
		if declType == "BOOLEAN" && (v == 0 || v == 1) {
			return strconv.FormatBool(v == 1)
		}
		return strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return formatFloat(v)
	case bool:
		return strconv.FormatBool(v)
	case string:
		return v
	case []byte:
		if utf8.Valid(v) {
			return string(v)
		}
		return base64.StdEncoding.EncodeToString(v)
	case time.Time:
		if declType == "DATE" {
			return v.Format(time.DateOnly)
		}
		return v.Format(time.RFC3339Nano)
	}
	return fmt.Sprint(v)
}

// GeoPackage binary header flags (GeoPackage 1.3, clause 2.1.3).
const (
	gpkgFlagLittleEndian = 0x01
	gpkgFlagEmpty        = 0x10
	gpkgFlagExtended     = 0x20
)

// decodeGPKGGeometry decodes a GeoPackage geometry blob: "GP", version,
// flags, srs_id, optional envelope, then WKB (Z and M dropped). Empty
// geometries give nil.
func decodeGPKGGeometry(b []byte) (orb.Geometry, error) {
	if len(b) < 8 || b[0] != 'G' || b[1] != 'P' {
		return nil, errors.New("not a GeoPackage geometry (the blob does not start with \"GP\")")
	}
	if b[2] != 0 {
		return nil, fmt.Errorf("GeoPackage geometry version %d is not supported", b[2])
	}
	flags := b[3]
	if flags&gpkgFlagExtended != 0 {
		return nil, fmt.Errorf("%w: extended GeoPackage geometry", ErrUnsupportedGeometry)
	}
	var envelope int
	switch env := (flags >> 1) & 0x07; env {
	case 0:
	case 1:
		envelope = 32
	case 2, 3:
		envelope = 48
	case 4:
		envelope = 64
	default:
		return nil, fmt.Errorf("GeoPackage geometry envelope code %d is invalid", env)
	}
	wkbStart := 8 + envelope
	if len(b) < wkbStart {
		return nil, fmt.Errorf("GeoPackage geometry is truncated (%d bytes, header needs %d)", len(b), wkbStart)
	}
	if flags&gpkgFlagEmpty != 0 {
		return nil, nil
	}
	g, err := decodeWKB(b[wkbStart:])
	if err != nil {
		return nil, err
	}
	if isEmptyGeometry(g) {
		return nil, nil
	}
	return g, nil
}

// isEmptyGeometry reports empty multi-geometries and collections.
func isEmptyGeometry(g orb.Geometry) bool {
	switch g := g.(type) {
	case nil:
		return true
	case orb.MultiPoint:
		return len(g) == 0
	case orb.LineString:
		return len(g) == 0
	case orb.MultiLineString:
		return len(g) == 0
	case orb.Polygon:
		return len(g) == 0
	case orb.MultiPolygon:
		return len(g) == 0
	case orb.Collection:
		return len(g) == 0
	}
	return false
}
