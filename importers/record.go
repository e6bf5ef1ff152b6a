package importers

import (
	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Table is what every format reader returns: the columns in file order and
// one Record per data row. Readers of tabular formats (CSV, XLSX) leave
// Geometry nil; readers of spatial formats (GeoJSON, GeoPackage, Shapefile)
// fill it, in the CRS they report.
type Table struct {
	File    string   // the file name as the user gave it, for messages
	Columns []string // original headers, in file order (attribute names for spatial formats)
	Records []Record
	// CRS is the CRS declared by the file (GeoJSON crs member, GeoPackage
	// srs_id, Shapefile .prj); empty when the file does not say.
	CRS geo.CRS
}

// Record is one data row.
type Record struct {
	// Row is the row number as the user sees it: the spreadsheet row for
	// CSV/XLSX (header row counted, so the first data row under a header on
	// line 1 is row 2), the 1-based feature number for spatial formats.
	Row    int
	Values map[string]string // by original column header; empty cells are ""
	// Geometry from a spatial format, in Table.CRS; nil for tabular formats.
	Geometry orb.Geometry
}
