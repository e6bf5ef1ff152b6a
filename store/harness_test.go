package store

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/plekwijzer/plekwijzer/internal/pgtest"
)

// pgEnv names the environment variable holding the DSN of a PostgreSQL
// database with PostGIS for the tests (see .ci/postgis.sh).
const pgEnv = "PLEKWIJZER_TEST_PG"

// testDB is one backend the suite runs against.
type testDB struct {
	name string
	// dsn returns a DSN for an empty database private to t, and whether it
	// can be reopened (false for :memory:).
	dsn func(t testing.TB) (string, bool)
}

// testDBs lists the backends: SQLite file and :memory: always, PostGIS when
// PLEKWIJZER_TEST_PG holds a DSN.
func testDBs() []testDB {
	dbs := []testDB{
		{name: "sqlite-file", dsn: func(t testing.TB) (string, bool) {
			return filepath.Join(t.TempDir(), "test.db"), true
		}},
		{name: "sqlite-memory", dsn: func(t testing.TB) (string, bool) { return ":memory:", false }},
	}
	if base := os.Getenv(pgEnv); base != "" {
		dbs = append(dbs, testDB{name: "postgis", dsn: func(t testing.TB) (string, bool) {
			return pgSchemaDSN(t, base), true
		}})
	}
	return dbs
}

// pgSchemaDSN returns the DSN of a private schema for t (see pgtest.DSN;
// base is the PLEKWIJZER_TEST_PG it reads itself).
func pgSchemaDSN(t testing.TB, _ string) string { return pgtest.DSN(t) }

// forEachDB runs fn as a subtest against a fresh, empty store of every backend.
func forEachDB(t *testing.T, fn func(t *testing.T, s *Store)) {
	t.Helper()
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			dsn, _ := db.dsn(t)
			fn(t, openTest(t, dsn))
		})
	}
}

// openTest opens dsn and closes the store when t ends.
func openTest(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// failOnSourceRef installs a trigger that makes the database itself refuse
// to write a site with source reference ref, to test that a failure in the
// middle of a write rolls everything back.
func failOnSourceRef(t *testing.T, s *Store, ref string) {
	t.Helper()
	ctx := context.Background()
	var stmts []string
	if s.Backend() == BackendPostGIS {
		stmts = []string{
			`CREATE FUNCTION test_fail() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF NEW.source_ref = '` + ref + `' THEN RAISE EXCEPTION 'test trigger refuses %', NEW.source_ref; END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER test_fail BEFORE INSERT OR UPDATE ON sites FOR EACH ROW EXECUTE FUNCTION test_fail()`,
		}
	} else {
		stmts = []string{`CREATE TRIGGER test_fail BEFORE INSERT ON sites WHEN NEW.source_ref = '` + ref + `'
			BEGIN SELECT RAISE(ABORT, 'test trigger refuses ` + ref + `'); END`}
	}
	for _, st := range stmts {
		if _, err := s.DB().ExecContext(ctx, st); err != nil {
			t.Fatalf("install failing trigger: %v", err)
		}
	}
}
