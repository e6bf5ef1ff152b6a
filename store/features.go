package store

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"sort"

	"github.com/jmoiron/sqlx"
)

// SaveFeatures records run and replaces the features of layer that earlier
// runs imported from a file with the same base name (filepath.Base of
// run.File), in one transaction. Features of the layer from other files stay.
// It sets run.ID and each feature's ID, Layer and RunID.
//
// Every feature needs a geometry; otherwise SaveFeatures returns an error
// wrapping ErrInvalid and nothing changes.
func (s *Store) SaveFeatures(ctx context.Context, run *Run, layer string, fs []Feature) error {
	if layer == "" {
		return fmt.Errorf("save features of %s: %w: no layer name", runFile(run), ErrInvalid)
	}
	file := filepath.Base(run.File)
	if run.File == "" {
		file = ""
	}
	geoms := make([]geomValue, len(fs))
	for i := range fs {
		g, err := encodeGeom(fs[i].Geometry)
		if err != nil {
			return fmt.Errorf("save features of layer %q from %s: feature %d (%q): %w", layer, runFile(run), i+1, fs[i].Name, err)
		}
		geoms[i] = g
	}
	var ids []int64
	err := s.saveWithRun(ctx, run, fmt.Sprintf("features of layer %q", layer), func(tx *sqlx.Tx, runID int64) error {
		if _, err := tx.ExecContext(ctx, s.q("DELETE FROM features WHERE layer = ? AND source_file = ?"), layer, file); err != nil {
			return fmt.Errorf("remove features imported earlier from %q: %w", file, err)
		}
		cols := "layer, name, geom, attributes, run_id, source_file"
		row := "(?, ?, " + s.geomIn() + ", ?, ?, ?)"
		n := 6
		if !s.pg() {
			cols += ", minx, miny, maxx, maxy"
			row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			n = 10
		}
		b := newBatchInserter(tx, "INSERT INTO features ("+cols+")", row, "", n)
		defer b.close()
		args := make([]any, 0, n)
		for i := range fs {
			attrs, err := encodeAttrs(fs[i].Attributes)
			if err != nil {
				return fmt.Errorf("feature %d (%q): %w", i+1, fs[i].Name, err)
			}
			args = append(args[:0], layer, fs[i].Name, geoms[i].wkb, attrs, runID, file)
			if !s.pg() {
				bd := geoms[i].bound
				args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
			}
			if err := b.add(ctx, args...); err != nil {
				return fmt.Errorf("write features up to feature %d: %w", i+1, err)
			}
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("write features: %w", err)
		}
		// Ids are assigned in insertion order within the transaction.
		if err := tx.SelectContext(ctx, &ids, s.q("SELECT id FROM features WHERE run_id = ? ORDER BY id"), runID); err != nil {
			return fmt.Errorf("read feature ids: %w", err)
		}
		if len(ids) != len(fs) {
			return fmt.Errorf("internal error: wrote %d features but found %d", len(fs), len(ids))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i := range fs {
		fs[i].ID = ids[i]
		fs[i].Layer = layer
		fs[i].RunID = run.ID
	}
	return nil
}

// Features returns the features of a layer ("" for all layers), ordered by id.
func (s *Store) Features(ctx context.Context, layer string) ([]Feature, error) {
	var fs []Feature
	err := s.EachFeature(ctx, layer, func(f *Feature) error {
		fs = append(fs, *f)
		return nil
	})
	return fs, err
}

// EachFeature calls fn with every feature of a layer ("" for all layers),
// ordered by id, streaming them from the database. The Feature passed to fn
// is reused for the next row (copy *f to keep it; what it points to is
// never reused). An error from fn stops the reading and is returned as it is.
func (s *Store) EachFeature(ctx context.Context, layer string, fn func(f *Feature) error) error {
	query := "SELECT id, layer, name, " + s.geomOut() + " AS geom, attributes, run_id FROM features"
	var args []any
	if layer != "" {
		query += " WHERE layer = ?"
		args = append(args, layer)
	}
	query += " ORDER BY id"
	what := "read features"
	if layer != "" {
		what = fmt.Sprintf("read features of layer %q", layer)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer rows.Close()
	var (
		id, runID          int64
		lay, name, g, attr sql.RawBytes
		lastLayer          string
		f                  Feature
	)
	for rows.Next() {
		if err := rows.Scan(&id, &lay, &name, &g, &attr, &runID); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		geom, err := decodeWKB(g)
		if err != nil {
			return fmt.Errorf("%s: feature %d: %w", what, id, err)
		}
		attrs, err := decodeAttrs(attr)
		if err != nil {
			return fmt.Errorf("%s: feature %d: %w", what, id, err)
		}
		if string(lay) != lastLayer {
			lastLayer = string(lay)
		}
		f = Feature{ID: id, Layer: lastLayer, Name: string(name), Geometry: geom, Attributes: attrs, RunID: runID}
		if err := fn(&f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// Layers lists the context layers with their feature counts, ordered by name.
func (s *Store) Layers(ctx context.Context) ([]LayerInfo, error) {
	var ls []LayerInfo
	if err := s.db.SelectContext(ctx, &ls, "SELECT layer, COUNT(*) AS n FROM features GROUP BY layer ORDER BY layer"); err != nil {
		return nil, fmt.Errorf("list layers: %w", err)
	}
	// Sort by byte order: PostgreSQL's collation may order "_" differently.
	sort.Slice(ls, func(i, j int) bool { return ls[i].Layer < ls[j].Layer })
	return ls, nil
}
