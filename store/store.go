package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"

	// Database drivers: "pgx" for PostgreSQL, "sqlite" for embedded SQLite.
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite"
)

// Backend names returned by Store.Backend.
const (
	BackendSQLite  = "sqlite"
	BackendPostGIS = "postgis"
)

// DefaultPath is the SQLite file Open uses for an empty dsn.
const DefaultPath = "plekwijzer.db"

// sqliteBusyTimeout is how long (ms) an SQLite connection waits for a lock.
const sqliteBusyTimeout = 10000

// Store is the database behind plekwijzer. It is safe for concurrent use.
type Store struct {
	db      *sqlx.DB
	backend string
}

// Open opens (and migrates) the database named by dsn: a file path (or "")
// for embedded SQLite (default "plekwijzer.db"), ":memory:" for a private
// in-memory SQLite database, or a postgres:// / postgresql:// URL for
// PostgreSQL with PostGIS.
func Open(ctx context.Context, dsn string) (*Store, error) {
	s, err := open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("open %s: %w", s.describe(dsn), err)
	}
	return s, nil
}

func open(ctx context.Context, dsn string) (*Store, error) {
	switch {
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		db, err := sqlx.Open("pgx", dsn)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL database %s: %w", redact(dsn), err)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("connect to PostgreSQL database %s (is the server running and the DSN right?): %w", redact(dsn), err)
		}
		return &Store{db: db, backend: BackendPostGIS}, nil
	case dsn == ":memory:":
		// One connection holds the private in-memory database: every query
		// must see the same database, and it lives as long as that connection.
		db, err := sqlx.Open("sqlite", ":memory:?_pragma=foreign_keys(1)&_txlock=immediate")
		if err != nil {
			return nil, fmt.Errorf("open in-memory SQLite database: %w", err)
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open in-memory SQLite database: %w", err)
		}
		return &Store{db: db, backend: BackendSQLite}, nil
	default:
		path := dsn
		if path == "" {
			path = DefaultPath
		}
		if strings.ContainsAny(path, "?#") {
			return nil, fmt.Errorf("open SQLite database %q: the file name must not contain '?' or '#'", path)
		}
		db, err := sqlx.Open("sqlite", path+fmt.Sprintf(
			"?_pragma=foreign_keys(1)&_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate",
			sqliteBusyTimeout))
		if err != nil {
			return nil, fmt.Errorf("open SQLite database %q: %w", path, err)
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("open SQLite database %q (is the folder there and writable?): %w", path, err)
		}
		return &Store{db: db, backend: BackendSQLite}, nil
	}
}

// describe names the database for error messages without its password.
func (s *Store) describe(dsn string) string {
	if s.backend == BackendPostGIS {
		return "PostgreSQL database " + redact(dsn)
	}
	if dsn == "" {
		dsn = DefaultPath
	}
	if dsn == ":memory:" {
		return "in-memory SQLite database"
	}
	return fmt.Sprintf("SQLite database %q", dsn)
}

// redact hides the password of a postgres:// URL.
func redact(dsn string) string {
	scheme, rest, ok := strings.Cut(dsn, "://")
	if !ok {
		return dsn
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return dsn
	}
	user := rest[:at]
	if name, _, hasPassword := strings.Cut(user, ":"); hasPassword {
		user = name + ":xxxxx"
	}
	return scheme + "://" + user + rest[at:]
}

// Close closes the database.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database: %w", err)
	}
	return nil
}

// Backend returns "sqlite" or "postgis".
func (s *Store) Backend() string { return s.backend }

// DB returns the underlying database handle, for diagnostics and tools.
// Writing through it bypasses the store's guarantees.
func (s *Store) DB() *sqlx.DB { return s.db }

// Ping checks that the database is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s database: %w", s.backend, err)
	}
	return nil
}

func (s *Store) pg() bool { return s.backend == BackendPostGIS }

// q rewrites a query written with ? placeholders for the backend.
func (s *Store) q(query string) string { return s.db.Rebind(query) }

// geomIn is the SQL expression that turns a WKB parameter into a geometry.
func (s *Store) geomIn() string {
	if s.pg() {
		return "ST_GeomFromWKB(?, 28992)"
	}
	return "?"
}

// geomOut is the SQL expression that reads the geom column as WKB.
func (s *Store) geomOut() string {
	if s.pg() {
		return "ST_AsBinary(geom)"
	}
	return "geom"
}

// inTx runs fn in one transaction, committing if fn succeeds.
func (s *Store) inTx(ctx context.Context, fn func(tx *sqlx.Tx) error) error {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// timeArg converts a time to what the backend stores: RFC 3339 text in UTC
// for SQLite, timestamptz for PostgreSQL. Times keep microseconds, the
// precision of PostgreSQL.
func (s *Store) timeArg(t time.Time) any {
	t = t.UTC().Truncate(time.Microsecond)
	if s.pg() {
		return t
	}
	return t.Format(time.RFC3339Nano)
}

// timePtrArg is timeArg for optional times.
func (s *Store) timePtrArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return s.timeArg(*t)
}

// dbTime scans a time stored by timeArg, in UTC.
type dbTime struct {
	Time  time.Time
	Valid bool
}

// Scan implements sql.Scanner.
func (t *dbTime) Scan(v any) error {
	switch v := v.(type) {
	case nil:
		*t = dbTime{}
		return nil
	case time.Time:
		*t = dbTime{Time: v.UTC(), Valid: true}
		return nil
	case string:
		return t.parse(v)
	case []byte:
		return t.parse(string(v))
	}
	return fmt.Errorf("cannot read %T as a time", v)
}

func (t *dbTime) parse(s string) error {
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("read time %q: %w", s, err)
	}
	*t = dbTime{Time: v.UTC(), Valid: true}
	return nil
}

func (t dbTime) ptr() *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time
	return &v
}

var _ sql.Scanner = (*dbTime)(nil)
