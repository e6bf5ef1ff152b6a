// Package importers reads inventories of vacant buildings and plots, BAG
// address extracts and context layers as offices deliver them (CSV, XLSX,
// GeoJSON, GeoPackage, Esri Shapefile) and lands them in the store as runs.
//
// Reading is split in two steps: a format reader turns a file into a Table
// of Records (original headers, row numbers as the user sees them), and a
// converter maps those records onto the domain model through header aliases
// or a user mapping file, validating each row. Every problem is reported as
// a store.RowError naming file, row and column.
package importers
