package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jmoiron/sqlx"
)

// migrations holds the schema of each backend as numbered SQL files
// (migrations/<backend>/NNNN_name.sql), applied in order, each in its own
// transaction, and recorded in schema_migrations.
//
//go:embed migrations
var migrations embed.FS

// migration is one numbered schema change.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the migrations of a backend, ordered by version.
func loadMigrations(backend string) ([]migration, error) {
	dir := path.Join("migrations", backend)
	entries, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations of %s: %w", backend, err)
	}
	var ms []migration
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must start with a positive number and '_'", dir, e.Name())
		}
		b, err := migrations.ReadFile(path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s/%s: %w", dir, e.Name(), err)
		}
		ms = append(ms, migration{version: v, name: e.Name(), sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i := 1; i < len(ms); i++ {
		if ms[i].version == ms[i-1].version {
			return nil, fmt.Errorf("migrations %s and %s have the same version", ms[i-1].name, ms[i].name)
		}
	}
	return ms, nil
}

// SchemaVersion returns the highest migration version applied.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	if err := s.db.GetContext(ctx, &v, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations"); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}

// migrate applies the migrations not applied yet.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations(s.backend)
	if err != nil {
		return err
	}
	if s.pg() {
		// Serialise concurrent migrations of the same database; the lock
		// is released when the transaction ends.
		err = s.inTx(ctx, func(tx *sqlx.Tx) error {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7020417)"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())")
			return err
		})
	} else {
		_, err = s.db.ExecContext(ctx, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')))")
	}
	if err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range ms {
		err := s.inTx(ctx, func(tx *sqlx.Tx) error {
			if s.pg() {
				if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7020417)"); err != nil {
					return err
				}
			}
			var n int
			if err := tx.GetContext(ctx, &n, s.q("SELECT COUNT(*) FROM schema_migrations WHERE version = ?"), m.version); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, s.q("INSERT INTO schema_migrations (version, name) VALUES (?, ?)"), m.version, m.name)
			return err
		})
		if err != nil {
			hint := ""
			if s.pg() && strings.Contains(err.Error(), "postgis") {
				hint = " (PostGIS must be installed and enabled: run CREATE EXTENSION postgis as a superuser)"
			}
			return fmt.Errorf("migrate schema to version %d (%s)%s: %w", m.version, m.name, hint, err)
		}
	}
	return nil
}
