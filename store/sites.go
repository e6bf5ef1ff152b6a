package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
)

// siteColumns are the columns written for a site, in siteArgs order.
var siteColumns = []string{
	"id", "kind", "source", "source_ref", "name",
	"straat", "huisnummer", "toevoeging", "postcode", "plaats",
	"geom", "area_m2", "area_kind", "function", "construction_year",
	"monument", "status", "owner", "available_from", "available_until",
	"gemeente", "centrumgemeente", "attributes", "run_id", "updated_at",
}

// bboxColumns are the bounding box columns SQLite keeps beside geom.
var bboxColumns = []string{"minx", "miny", "maxx", "maxy"}

// SaveSites records run and upserts sites by (kind, source, source_ref) in one
// transaction. It sets run.ID and each site's ID (SiteID of its kind, source
// and source reference) and RunID, and UpdatedAt when it was zero. Sites
// from earlier runs that are not in sites stay as they are.
//
// Every site needs a valid kind, a source, a source reference and a
// geometry, and a batch must not hold the same (kind, source, source_ref)
// twice; otherwise SaveSites returns an error wrapping ErrInvalid that names
// the site. On any error nothing changes, not even the run record.
func (s *Store) SaveSites(ctx context.Context, run *Run, sites []Site) error {
	now := time.Now()
	if run.Finished != nil {
		now = *run.Finished
	}
	ids := make([]string, len(sites))
	geoms := make([]geomValue, len(sites))
	seen := make(map[string]int, len(sites))
	for i := range sites {
		st := &sites[i]
		what := fmt.Sprintf("site %d (%s %q from %q)", i+1, st.Kind, st.SourceRef, st.Source)
		if !st.Kind.Valid() {
			return fmt.Errorf("save sites of %s: %s: %w: kind %q is neither %q nor %q", runFile(run), what, ErrInvalid, st.Kind, Gebouw, Kavel)
		}
		if st.Source == "" || st.SourceRef == "" {
			return fmt.Errorf("save sites of %s: %s: %w: source and source reference are required", runFile(run), what, ErrInvalid)
		}
		id := SiteID(st.Kind, st.Source, st.SourceRef)
		if j, dup := seen[id]; dup {
			return fmt.Errorf("save sites of %s: %s: %w: same %s, source and source reference as site %d", runFile(run), what, ErrInvalid, st.Kind, j+1)
		}
		seen[id] = i
		g, err := encodeGeom(st.Geometry)
		if err != nil {
			return fmt.Errorf("save sites of %s: %s: %w", runFile(run), what, err)
		}
		ids[i], geoms[i] = id, g
	}

	err := s.saveWithRun(ctx, run, "sites", func(tx *sqlx.Tx, runID int64) error {
		cols := siteColumns
		if !s.pg() {
			cols = append(append([]string{}, siteColumns...), bboxColumns...)
		}
		marks := make([]string, len(cols))
		for i, c := range cols {
			marks[i] = "?"
			if c == "geom" {
				marks[i] = s.geomIn()
			}
		}
		var set []string
		for _, c := range cols {
			if c != "id" && c != "kind" && c != "source" && c != "source_ref" {
				set = append(set, c+" = excluded."+c)
			}
		}
		b := newBatchInserter(tx,
			"INSERT INTO sites ("+strings.Join(cols, ", ")+")",
			"("+strings.Join(marks, ", ")+")",
			"ON CONFLICT (kind, source, source_ref) DO UPDATE SET "+strings.Join(set, ", "),
			len(cols))
		defer b.close()
		args := make([]any, 0, len(cols))
		for i := range sites {
			st := &sites[i]
			attrs, err := encodeAttrs(st.Attributes)
			if err != nil {
				return fmt.Errorf("site %s %q: %w", st.Kind, st.SourceRef, err)
			}
			updated := st.UpdatedAt
			if updated.IsZero() {
				updated = now
			}
			var area, year any
			if st.AreaM2 != nil {
				area = *st.AreaM2
			}
			if st.ConstructionYear != nil {
				year = *st.ConstructionYear
			}
			a := st.Address
			args = append(args[:0],
				ids[i], string(st.Kind), st.Source, st.SourceRef, st.Name,
				a.Straat, a.Huisnummer, a.Toevoeging, a.Postcode, a.Plaats,
				geoms[i].wkb, area, st.AreaKind, st.Function, year,
				st.Monument, st.Status, st.Owner, s.timePtrArg(st.AvailableFrom), s.timePtrArg(st.AvailableUntil),
				st.Gemeente, st.Centrumgemeente, attrs, runID, s.timeArg(updated))
			if !s.pg() {
				bd := geoms[i].bound
				args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
			}
			if err := b.add(ctx, args...); err != nil {
				return fmt.Errorf("write sites up to site %d (%s %q): %w", i+1, st.Kind, st.SourceRef, err)
			}
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("write sites: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range sites {
		sites[i].ID = ids[i]
		sites[i].RunID = run.ID
		if sites[i].UpdatedAt.IsZero() {
			sites[i].UpdatedAt = now.UTC().Truncate(time.Microsecond)
		}
	}
	return nil
}

// siteRow is a sites row as scanned from either backend.
type siteRow struct {
	ID               string          `db:"id"`
	Kind             string          `db:"kind"`
	Source           string          `db:"source"`
	SourceRef        string          `db:"source_ref"`
	Name             string          `db:"name"`
	Straat           string          `db:"straat"`
	Huisnummer       int             `db:"huisnummer"`
	Toevoeging       string          `db:"toevoeging"`
	Postcode         string          `db:"postcode"`
	Plaats           string          `db:"plaats"`
	Geom             []byte          `db:"geom"`
	AreaM2           sql.NullFloat64 `db:"area_m2"`
	AreaKind         string          `db:"area_kind"`
	Function         string          `db:"function"`
	ConstructionYear sql.NullInt64   `db:"construction_year"`
	Monument         string          `db:"monument"`
	Status           string          `db:"status"`
	Owner            string          `db:"owner"`
	AvailableFrom    dbTime          `db:"available_from"`
	AvailableUntil   dbTime          `db:"available_until"`
	Gemeente         string          `db:"gemeente"`
	Centrumgemeente  string          `db:"centrumgemeente"`
	Attributes       []byte          `db:"attributes"`
	RunID            int64           `db:"run_id"`
	UpdatedAt        dbTime          `db:"updated_at"`
}

func (r *siteRow) site() (Site, error) {
	g, err := decodeGeom(r.Geom)
	if err != nil {
		return Site{}, fmt.Errorf("site %s: %w", r.ID, err)
	}
	attrs, err := decodeAttrs(r.Attributes)
	if err != nil {
		return Site{}, fmt.Errorf("site %s: %w", r.ID, err)
	}
	st := Site{
		ID: r.ID, Kind: SiteKind(r.Kind), Source: r.Source, SourceRef: r.SourceRef, Name: r.Name,
		Address: Address{Straat: r.Straat, Huisnummer: r.Huisnummer, Toevoeging: r.Toevoeging,
			Postcode: r.Postcode, Plaats: r.Plaats},
		Geometry: g, AreaKind: r.AreaKind, Function: r.Function,
		Monument: r.Monument, Status: r.Status, Owner: r.Owner,
		AvailableFrom: r.AvailableFrom.ptr(), AvailableUntil: r.AvailableUntil.ptr(),
		Gemeente: r.Gemeente, Centrumgemeente: r.Centrumgemeente,
		Attributes: attrs, RunID: r.RunID, UpdatedAt: r.UpdatedAt.Time,
	}
	if r.AreaM2.Valid {
		v := r.AreaM2.Float64
		st.AreaM2 = &v
	}
	if r.ConstructionYear.Valid {
		v := int(r.ConstructionYear.Int64)
		st.ConstructionYear = &v
	}
	return st, nil
}

// siteSelect is the column list of site reads.
func (s *Store) siteSelect() string {
	cols := make([]string, len(siteColumns))
	for i, c := range siteColumns {
		cols[i] = c
		if c == "geom" {
			cols[i] = s.geomOut() + " AS geom"
		}
	}
	return strings.Join(cols, ", ")
}

// siteWhere builds the WHERE clause (with ? placeholders) of f.
func (s *Store) siteWhere(f SiteFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Kind != "" {
		conds = append(conds, "kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.Gemeente != "" {
		conds = append(conds, "gemeente = ?")
		args = append(args, f.Gemeente)
	}
	if f.Centrumgemeente != "" {
		conds = append(conds, "centrumgemeente = ?")
		args = append(args, f.Centrumgemeente)
	}
	if f.Bound != nil {
		bd := *f.Bound
		if s.pg() {
			conds = append(conds, "geom && ST_MakeEnvelope(?, ?, ?, ?, 28992)")
			args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
		} else {
			conds = append(conds, "maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?")
			args = append(args, bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1])
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Sites returns the sites matching f, ordered by id. A Bound selects the
// sites whose bounding box intersects it (touching counts).
func (s *Store) Sites(ctx context.Context, f SiteFilter) ([]Site, error) {
	where, args := s.siteWhere(f)
	from := " FROM sites"
	if f.Bound != nil && !s.pg() {
		// Otherwise SQLite may walk the primary key for ORDER BY id and
		// test every row.
		from += " INDEXED BY sites_bbox"
	}
	query := "SELECT " + s.siteSelect() + from + where + " ORDER BY id"
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	} else if f.Offset > 0 && !s.pg() {
		query += " LIMIT -1"
	}
	if f.Offset > 0 {
		query += " OFFSET ?"
		args = append(args, f.Offset)
	}
	rows, err := s.db.QueryxContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	var sites []Site
	for rows.Next() {
		var r siteRow
		if err := rows.StructScan(&r); err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		st, err := r.site()
		if err != nil {
			return nil, fmt.Errorf("read sites: %w", err)
		}
		sites = append(sites, st)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sites: %w", err)
	}
	return sites, nil
}

// CountSites counts the sites matching f (ignoring Limit and Offset).
func (s *Store) CountSites(ctx context.Context, f SiteFilter) (int, error) {
	where, args := s.siteWhere(f)
	var n int
	if err := s.db.GetContext(ctx, &n, s.q("SELECT COUNT(*) FROM sites"+where), args...); err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}

// Site returns one site by id, or ErrNotFound.
func (s *Store) Site(ctx context.Context, id string) (Site, error) {
	var r siteRow
	err := s.db.GetContext(ctx, &r, s.q("SELECT "+s.siteSelect()+" FROM sites WHERE id = ?"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return Site{}, fmt.Errorf("site %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Site{}, fmt.Errorf("read site %q: %w", id, err)
	}
	st, err := r.site()
	if err != nil {
		return Site{}, fmt.Errorf("read site %q: %w", id, err)
	}
	return st, nil
}
