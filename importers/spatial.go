package importers

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Sentinel errors of the spatial readers (GeoJSON, GeoPackage, Shapefile).
// They are wrapped in a *FileError naming the file.
var (
	// ErrSyntax: the file is not well-formed (invalid JSON, corrupt binary).
	ErrSyntax = errors.New("syntax error")
	// ErrNotGeoPackage: the file is not a GeoPackage.
	ErrNotGeoPackage = errors.New("not a GeoPackage")
	// ErrLayer: the layer asked for does not exist, or a choice is needed.
	ErrLayer = errors.New("layer not found")
	// ErrNoShapefile: no (single) .shp was found, or a required part is missing.
	ErrNoShapefile = errors.New("no shapefile")
	// ErrCorrupt: a binary geometry or record is truncated or malformed.
	ErrCorrupt = errors.New("corrupt file")
	// ErrUnsupportedGeometry: a geometry type plekwijzer does not read
	// (curves, MultiPatch, TIN, ...).
	ErrUnsupportedGeometry = errors.New("unsupported geometry type")
)

// spatialError returns a *FileError for file with a formatted message.
func spatialError(file string, sentinel error, format string, args ...any) error {
	return &FileError{File: file, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

// formatFloat writes a number without exponent, as every reader does.
func formatFloat(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// trimDecimalZeros drops trailing zeros of a decimal number written as
// text ("4250.000" -> "4250", "640.50" -> "640.5") without going through
// float64, so that long integers and exact decimals stay exact.
func trimDecimalZeros(s string) string {
	if !strings.Contains(s, ".") || strings.ContainsAny(s, "eE") {
		return s
	}
	s = strings.TrimRight(s, "0")
	s = strings.TrimSuffix(s, ".")
	if s == "" || s == "-" || s == "+" {
		return s + "0"
	}
	return s
}

// crsFromEPSG maps an EPSG code to a CRS plekwijzer supports.
func crsFromEPSG(code int64) (geo.CRS, bool) {
	c, err := geo.ParseDataCRS(fmt.Sprintf("EPSG:%d", code))
	if err != nil {
		return "", false
	}
	if c == geo.CRS84 {
		c = geo.WGS84
	}
	return c, true
}

// crsFromName parses a CRS name (EPSG:28992, URN, URI, CRS84). CRS84 is
// reported as geo.WGS84: plekwijzer stores WGS 84 as lon/lat either way.
func crsFromName(name string) (geo.CRS, error) {
	c, err := geo.ParseDataCRS(name)
	if err != nil {
		return "", err
	}
	if c == geo.CRS84 {
		c = geo.WGS84
	}
	return c, nil
}

// unsupportedCRSMsg is the advice given for a CRS plekwijzer cannot read.
func unsupportedCRSMsg(what string) string {
	return fmt.Sprintf("the file declares coordinate reference system %s, which plekwijzer cannot read: "+
		"export or reproject it to EPSG:28992 (RD New) or EPSG:4326 (WGS 84)", what)
}

// looksLikeDegrees reports whether the first geometry among records has
// coordinates within the lon/lat range; true when there is no geometry.
func looksLikeDegrees(records []Record) bool {
	for _, r := range records {
		if r.Geometry == nil {
			continue
		}
		b := r.Geometry.Bound()
		return b.Min[0] >= -180 && b.Max[0] <= 180 && b.Min[1] >= -90 && b.Max[1] <= 90
	}
	return true
}

// appendColumn adds name to cols if seen does not hold it yet.
func appendColumn(cols []string, seen map[string]bool, name string) []string {
	if seen[name] {
		return cols
	}
	seen[name] = true
	return append(cols, name)
}

// uniqueColumnName returns name, or name_2, name_3, ... when taken.
func uniqueColumnName(seen map[string]bool, name string) string {
	if !seen[name] {
		return name
	}
	for i := 2; ; i++ {
		n := name + "_" + strconv.Itoa(i)
		if !seen[n] {
			return n
		}
	}
}
