// Package pgtest gives tests a private PostgreSQL + PostGIS schema in the
// database named by PLEKWIJZER_TEST_PG (see .ci/postgis.sh), so that tests
// of several packages and parallel runs never see each other's tables.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	// The pgx driver, registered as "pgx".
	_ "github.com/jackc/pgx/v5/stdlib"
)

// Env names the environment variable holding the DSN of the test database.
const Env = "PLEKWIJZER_TEST_PG"

// DSN creates a schema with a random name in the database of PLEKWIJZER_TEST_PG,
// drops it when t ends, and returns the DSN with search_path set to that
// schema (then public, where PostGIS lives). Without the variable the test
// is skipped, or fails when CI is set: CI must run the PostGIS tests.
func DSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(Env)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %s is not: this test needs PostGIS", Env)
		}
		t.Skipf("%s not set", Env)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", Env, err)
	}
	var rnd [8]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		t.Fatal(err)
	}
	schema := "plekwijzer_test_" + hex.EncodeToString(rnd[:])
	db, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer db.Close()
		db.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	q := u.Query()
	q.Set("search_path", schema+",public")
	u.RawQuery = q.Encode()
	return u.String()
}
