// Package store keeps sites, context layers, municipalities, regions, BAG
// addresses and import runs in a database through sqlx.
//
// Two backends share one API and one test suite: embedded SQLite
// (modernc.org/sqlite, pure Go, the default) and PostgreSQL with PostGIS
// (pgx/v5 stdlib driver) for shared production use. Geometries are stored in
// RD New (EPSG:28992). Every write runs in one transaction: a failed write
// leaves what was stored before untouched.
package store
