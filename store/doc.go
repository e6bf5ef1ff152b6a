// Package store keeps sites, context layers, municipalities, regions, BAG
// addresses and import runs in a database through sqlx.
//
// Two backends share one API and one test suite: embedded SQLite
// (modernc.org/sqlite, pure Go, the default) and PostgreSQL with PostGIS
// (pgx/v5 stdlib driver) for shared production use. Open picks the backend
// from the DSN and applies the embedded, numbered migrations
// (migrations/<backend>/NNNN_name.sql, recorded in schema_migrations).
//
// Geometries are stored in RD New (EPSG:28992): on PostGIS as geometry
// columns with GiST indexes, on SQLite as WKB with the bounding box in
// minx/miny/maxx/maxy columns. Both give back exactly the coordinates they
// were given. Attributes are JSON objects; times are kept to the microsecond
// and read back in UTC.
//
// Every write records its run and writes its data in one transaction: a
// failed write leaves what was stored before untouched, including the list
// of runs, so the caller can then record the failure with SaveRun. Data the
// store cannot keep (a site, feature or gemeente without geometry, a site
// kind other than gebouw or kavel, the same site or gemeente twice in one
// batch) is refused before anything is written, with an error wrapping
// ErrInvalid that names the record.
//
// The tests run against SQLite always and against PostGIS when the
// environment variable PLEKWIJZER_TEST_PG holds a DSN (see .ci/postgis.sh);
// each PostGIS test works in a schema of its own.
package store
