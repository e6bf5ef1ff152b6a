package store

// THIS FILE IS A PLACEHOLDER: the store helper replaces it with the real
// implementation (store.go, sqlite.go, postgis.go, migrations/, ...) keeping
// these exact signatures.

import (
	"context"
	"errors"

	"github.com/jmoiron/sqlx"
)

// ErrNotFound is returned when a looked-up record does not exist.
var ErrNotFound = errors.New("not found")

// Store is the database behind plekwijzer.
type Store struct {
	db *sqlx.DB
}

// Open opens (and migrates) the database named by dsn: a file path (or "")
// for embedded SQLite (default "plekwijzer.db"), ":memory:" for a private
// in-memory SQLite database, or a postgres:// / postgresql:// URL for
// PostgreSQL with PostGIS.
func Open(ctx context.Context, dsn string) (*Store, error) { panic("todo") }

// Close closes the database.
func (s *Store) Close() error { panic("todo") }

// Backend returns "sqlite" or "postgis".
func (s *Store) Backend() string { panic("todo") }

// SaveRun records a run that writes no data (dry run, refused run, failed
// run) with its row errors. It sets run.ID.
func (s *Store) SaveRun(ctx context.Context, run *Run) error { panic("todo") }

// SaveSites records run and upserts sites by (kind, source, source_ref) in one
// transaction. It sets run.ID and each site's RunID. On error nothing changes.
func (s *Store) SaveSites(ctx context.Context, run *Run, sites []Site) error { panic("todo") }

// SaveFeatures records run and replaces the features of layer that earlier
// runs imported from a file with the same base name, in one transaction.
func (s *Store) SaveFeatures(ctx context.Context, run *Run, layer string, fs []Feature) error {
	panic("todo")
}

// SaveAddresses records run and upserts BAG addresses by postcode,
// huisnummer and toevoeging, in one transaction.
func (s *Store) SaveAddresses(ctx context.Context, run *Run, as []BAGAddress) error {
	panic("todo")
}

// SaveGemeenten records run and replaces all municipalities.
func (s *Store) SaveGemeenten(ctx context.Context, run *Run, gs []Gemeente) error { panic("todo") }

// SaveRegions records run and replaces the whole region table.
func (s *Store) SaveRegions(ctx context.Context, run *Run, rs []RegionMember) error { panic("todo") }

// Sites returns the sites matching f, ordered by id.
func (s *Store) Sites(ctx context.Context, f SiteFilter) ([]Site, error) { panic("todo") }

// CountSites counts the sites matching f (ignoring Limit and Offset).
func (s *Store) CountSites(ctx context.Context, f SiteFilter) (int, error) { panic("todo") }

// Site returns one site by id, or ErrNotFound.
func (s *Store) Site(ctx context.Context, id string) (Site, error) { panic("todo") }

// Features returns the features of a layer ("" for all layers), ordered by id.
func (s *Store) Features(ctx context.Context, layer string) ([]Feature, error) { panic("todo") }

// Layers lists the context layers with their feature counts, ordered by name.
func (s *Store) Layers(ctx context.Context) ([]LayerInfo, error) { panic("todo") }

// Gemeenten returns all municipalities ordered by code.
func (s *Store) Gemeenten(ctx context.Context) ([]Gemeente, error) { panic("todo") }

// Regions returns the region table ordered by gemeente code.
func (s *Store) Regions(ctx context.Context) ([]RegionMember, error) { panic("todo") }

// LookupAddress finds a BAG address by postcode ("1234AB"), huisnummer and
// toevoeging (case-insensitive; "" matches the address without one), or ErrNotFound.
func (s *Store) LookupAddress(ctx context.Context, postcode string, huisnummer int, toevoeging string) (BAGAddress, error) {
	panic("todo")
}

// Runs returns all runs, newest first, without their row errors.
func (s *Store) Runs(ctx context.Context) ([]Run, error) { panic("todo") }

// Run returns one run with its row errors, or ErrNotFound.
func (s *Store) Run(ctx context.Context, id int64) (Run, error) { panic("todo") }

// Generation returns a number that grows with every run that changed data;
// readers compare it to know when to rebuild their indexes.
func (s *Store) Generation(ctx context.Context) (int64, error) { panic("todo") }
