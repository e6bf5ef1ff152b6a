package importers

// THIS FILE IS A PLACEHOLDER. Each function is replaced by the helper that
// owns it (keep the exact signature, delete the stub from this file).

import (
	"context"
	"io"
)

// readCSV reads a CSV export: detects the delimiter (; , tab), the encoding
// (UTF-8 with/without BOM, Windows-1252), finds the header row.
// Owner: tabular readers.
func readCSV(ctx context.Context, name string, r io.Reader) (Table, error) { panic("todo") }

// readXLSX reads one sheet ("" = the first sheet with data) of an XLSX
// workbook, finding the header row below any title rows and skipping merged
// and empty rows. Owner: tabular readers.
func readXLSX(ctx context.Context, name string, r io.Reader, sheet string) (Table, error) {
	panic("todo")
}

// readGeoJSON reads a GeoJSON FeatureCollection (RFC 7946, or with the legacy
// crs member naming EPSG:28992). Owner: spatial readers.
func readGeoJSON(ctx context.Context, name string, r io.Reader) (Table, error) { panic("todo") }

// readGeoPackage reads one feature table (layer "" = the only / first one) of
// a GeoPackage file. Owner: spatial readers.
func readGeoPackage(ctx context.Context, path string, layer string) (Table, error) {
	panic("todo")
}

// readShapefile reads an Esri Shapefile: path is the .shp (with .dbf, .prj,
// .cpg beside it) or a .zip holding them. Z and M are dropped. Owner: spatial readers.
func readShapefile(ctx context.Context, path string) (Table, error) { panic("todo") }

// parseNumber parses a number as Dutch and English exports write it:
// "1.234,5", "1234,5", "1,234.5", "1234.5", "1 234,5", "€ 12" -> error.
// Owner: tabular readers.
func parseNumber(s string) (float64, error) { panic("todo") }

// splitAddress splits a single address cell such as "Kerkstraat 12 a",
// "Stationsplein 1-3", "Laan van NOI 12bis" into street, house number and
// toevoeging. Owner: tabular readers.
func splitAddress(s string) (straat string, huisnummer int, toevoeging string, err error) {
	panic("todo")
}

// normalizePostcode returns "1234AB" for "1234 ab", or an error.
// Owner: tabular readers.
func normalizePostcode(s string) (string, error) { panic("todo") }
