package store

import (
	"context"
	"fmt"
	"sort"

	"github.com/jmoiron/sqlx"
)

// SaveGemeenten records run and replaces all municipalities. Every gemeente
// needs a code and a geometry, and no code may appear twice; otherwise
// SaveGemeenten returns an error wrapping ErrInvalid and nothing changes.
// Stored sites keep their gemeente; see SaveGemeentenMovingSites.
func (s *Store) SaveGemeenten(ctx context.Context, run *Run, gs []Gemeente) error {
	return s.SaveGemeentenMovingSites(ctx, run, gs, nil)
}

// SaveGemeentenMovingSites is SaveGemeenten that also, in the same
// transaction, moves the sites named in moves (site id -> gemeente code, ""
// for none) to their new gemeente, and every site to the centrumgemeente its
// gemeente belongs to in the region table. Callers compute moves by
// point-in-polygon against the new boundaries.
func (s *Store) SaveGemeentenMovingSites(ctx context.Context, run *Run, gs []Gemeente, moves map[string]string) error {
	geoms := make([]geomValue, len(gs))
	seen := make(map[string]bool, len(gs))
	for i, g := range gs {
		if g.Code == "" {
			return fmt.Errorf("save gemeenten of %s: gemeente %d (%q): %w: no code", runFile(run), i+1, g.Name, ErrInvalid)
		}
		if seen[g.Code] {
			return fmt.Errorf("save gemeenten of %s: gemeente %d: %w: code %s appears twice", runFile(run), i+1, ErrInvalid, g.Code)
		}
		seen[g.Code] = true
		gv, err := encodeGeom(g.Geometry)
		if err != nil {
			return fmt.Errorf("save gemeenten of %s: gemeente %s (%s): %w", runFile(run), g.Code, g.Name, err)
		}
		geoms[i] = gv
	}
	return s.saveWithRun(ctx, run, "gemeenten", func(tx *sqlx.Tx, runID int64) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM gemeenten"); err != nil {
			return fmt.Errorf("remove earlier gemeenten: %w", err)
		}
		cols := "code, name, provincie_code, provincie_naam, geom, run_id"
		row := "(?, ?, ?, ?, " + s.geomIn() + ", ?)"
		n := 6
		if !s.pg() {
			cols += ", minx, miny, maxx, maxy"
			row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			n = 10
		}
		b := newBatchInserter(tx, "INSERT INTO gemeenten ("+cols+")", row, "", n)
		defer b.close()
		args := make([]any, 0, n)
		for i, g := range gs {
			args = append(args[:0], g.Code, g.Name, g.ProvincieCode, g.ProvincieNaam, geoms[i].wkb, runID)
			if !s.pg() {
				bd := geoms[i].bound
				args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
			}
			if err := b.add(ctx, args...); err != nil {
				return fmt.Errorf("write gemeenten up to %s: %w", g.Code, err)
			}
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("write gemeenten: %w", err)
		}
		if moves == nil {
			return nil
		}
		upd, err := tx.PreparexContext(ctx, s.q("UPDATE sites SET gemeente = ? WHERE id = ?"))
		if err != nil {
			return fmt.Errorf("move sites: %w", err)
		}
		defer upd.Close()
		for id, code := range moves {
			if _, err := upd.ExecContext(ctx, code, id); err != nil {
				return fmt.Errorf("move site %s to gemeente %q: %w", id, code, err)
			}
		}
		return s.reassignCentrumgemeenten(ctx, tx)
	})
}

// reassignCentrumgemeenten sets every site's centrumgemeente from its
// gemeente and the region table ("" for a gemeente the table leaves out).
func (s *Store) reassignCentrumgemeenten(ctx context.Context, tx *sqlx.Tx) error {
	if _, err := tx.ExecContext(ctx, `UPDATE sites SET centrumgemeente = COALESCE(
		(SELECT r.centrumgemeente FROM regions r WHERE r.gemeente = sites.gemeente), '')`); err != nil {
		return fmt.Errorf("move sites to their centrumgemeente: %w", err)
	}
	return nil
}

// gemeenteRow is a gemeenten row as scanned from either backend.
type gemeenteRow struct {
	Code          string `db:"code"`
	Name          string `db:"name"`
	ProvincieCode string `db:"provincie_code"`
	ProvincieNaam string `db:"provincie_naam"`
	Geom          []byte `db:"geom"`
}

// Gemeenten returns all municipalities ordered by code.
func (s *Store) Gemeenten(ctx context.Context) ([]Gemeente, error) {
	rows, err := s.db.QueryxContext(ctx, "SELECT code, name, provincie_code, provincie_naam, "+s.geomOut()+" AS geom FROM gemeenten")
	if err != nil {
		return nil, fmt.Errorf("read gemeenten: %w", err)
	}
	defer rows.Close()
	var gs []Gemeente
	for rows.Next() {
		var r gemeenteRow
		if err := rows.StructScan(&r); err != nil {
			return nil, fmt.Errorf("read gemeenten: %w", err)
		}
		g, err := decodeGeom(r.Geom)
		if err != nil {
			return nil, fmt.Errorf("read gemeente %s: %w", r.Code, err)
		}
		gs = append(gs, Gemeente{Code: r.Code, Name: r.Name, ProvincieCode: r.ProvincieCode, ProvincieNaam: r.ProvincieNaam, Geometry: g})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read gemeenten: %w", err)
	}
	sort.Slice(gs, func(i, j int) bool { return gs[i].Code < gs[j].Code })
	return gs, nil
}

// SaveRegions records run and replaces the whole region table, and moves
// every stored site to the centrumgemeente its gemeente now belongs to
// (empty for a gemeente the new table leaves out). Every member
// needs a gemeente and a centrumgemeente code, and no gemeente may appear
// twice; otherwise SaveRegions returns an error wrapping ErrInvalid and
// nothing changes.
func (s *Store) SaveRegions(ctx context.Context, run *Run, rs []RegionMember) error {
	seen := make(map[string]bool, len(rs))
	for i, r := range rs {
		if r.Gemeente == "" || r.Centrumgemeente == "" {
			return fmt.Errorf("save regions of %s: member %d (%q): %w: gemeente and centrumgemeente codes are required", runFile(run), i+1, r.GemeenteNaam, ErrInvalid)
		}
		if seen[r.Gemeente] {
			return fmt.Errorf("save regions of %s: member %d: %w: gemeente %s (%s) appears twice", runFile(run), i+1, ErrInvalid, r.Gemeente, r.GemeenteNaam)
		}
		seen[r.Gemeente] = true
	}
	return s.saveWithRun(ctx, run, "regions", func(tx *sqlx.Tx, runID int64) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM regions"); err != nil {
			return fmt.Errorf("remove earlier regions: %w", err)
		}
		b := newBatchInserter(tx,
			"INSERT INTO regions (gemeente, gemeente_naam, centrumgemeente, centrumgemeente_naam, confidence, note, run_id)",
			"(?, ?, ?, ?, ?, ?, ?)", "", 7)
		defer b.close()
		for _, r := range rs {
			if err := b.add(ctx, r.Gemeente, r.GemeenteNaam, r.Centrumgemeente, r.CentrumgemeenteNaam, r.Confidence, r.Note, runID); err != nil {
				return fmt.Errorf("write regions up to %s: %w", r.Gemeente, err)
			}
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("write regions: %w", err)
		}
		return s.reassignCentrumgemeenten(ctx, tx)
	})
}

// Regions returns the region table ordered by gemeente code.
func (s *Store) Regions(ctx context.Context) ([]RegionMember, error) {
	var rs []RegionMember
	err := s.db.SelectContext(ctx, &rs, `SELECT gemeente, gemeente_naam, centrumgemeente, centrumgemeente_naam, confidence, note FROM regions`)
	if err != nil {
		return nil, fmt.Errorf("read regions: %w", err)
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].Gemeente < rs[j].Gemeente })
	return rs, nil
}
