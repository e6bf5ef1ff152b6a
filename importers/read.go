package importers

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Sentinel errors. Errors returned by Import wrap one of them (or a store
// or I/O error) so that callers can tell them apart with errors.Is.
var (
	// ErrUnsupportedFormat: the file extension names no format plekwijzer reads.
	ErrUnsupportedFormat = errors.New("unsupported file format")
	// ErrMissingColumns: the file lacks a column the import needs.
	ErrMissingColumns = errors.New("missing columns")
	// ErrMapping: a mapping file is malformed.
	ErrMapping = errors.New("invalid mapping")
	// ErrOptions: the import options are invalid (unknown kind or layer name).
	ErrOptions = errors.New("invalid import options")
)

// FileError is a problem with a whole file (not one row).
type FileError struct {
	File string
	Msg  string
	Err  error // the sentinel or cause, may be nil
}

func (e *FileError) Error() string {
	if e.File == "" {
		return e.Msg
	}
	return e.File + ": " + e.Msg
}

func (e *FileError) Unwrap() error { return e.Err }

// SupportedFormats describes the file extensions Import reads.
const SupportedFormats = ".csv, .txt, .tsv (CSV), .xlsx (Excel), .geojson, .json (GeoJSON), .gpkg (GeoPackage), .shp, .zip (Esri Shapefile)"

// readTable reads the file at path with the reader its extension names.
// sheet selects the XLSX sheet or GeoPackage layer ("" = the first).
func readTable(ctx context.Context, path, sheet string) (Table, error) {
	name := filepath.Base(path)
	ext := strings.ToLower(filepath.Ext(path))
	switch ext {
	case ".csv", ".txt", ".tsv", ".xlsx", ".geojson", ".json":
		f, err := os.Open(path)
		if err != nil {
			return Table{}, err
		}
		defer f.Close()
		switch ext {
		case ".xlsx":
			return readXLSX(ctx, name, f, sheet)
		case ".geojson", ".json":
			return readGeoJSON(ctx, name, f)
		default:
			return readCSV(ctx, name, f)
		}
	case ".gpkg":
		return readGeoPackage(ctx, path, sheet)
	case ".shp", ".zip":
		return readShapefile(ctx, path)
	case ".xls":
		return Table{}, &FileError{File: name, Err: ErrUnsupportedFormat,
			Msg: "old Excel format .xls is not supported: save the sheet as .xlsx (Excel workbook) or .csv; supported: " + SupportedFormats}
	case ".dbf", ".shx", ".prj":
		return Table{}, &FileError{File: name, Err: ErrUnsupportedFormat,
			Msg: "this is part of a Shapefile: import the .shp file (with its .dbf, .shx and .prj beside it) or a .zip holding them"}
	}
	what := ext
	if what == "" {
		what = "a file without an extension"
	}
	return Table{}, &FileError{File: name, Err: ErrUnsupportedFormat,
		Msg: fmt.Sprintf("cannot read %s; supported: %s", what, SupportedFormats)}
}
