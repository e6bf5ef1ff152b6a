package store

import (
	"context"
	"fmt"
	"math/rand"
	"reflect"
	"sort"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// indexNames lists the indexes of sites (and on PostGIS its foreign keys).
func indexNames(t *testing.T, s *Store) []string {
	t.Helper()
	var names []string
	q := "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sites'"
	if s.pg() {
		q = "SELECT indexname FROM pg_indexes WHERE tablename = 'sites' AND schemaname = current_schema()"
	}
	if err := s.db.Select(&names, q); err != nil {
		t.Fatal(err)
	}
	if s.pg() {
		var fks []string
		if err := s.db.Select(&fks, "SELECT 'fk ' || conname FROM pg_constraint WHERE conrelid = 'sites'::regclass AND contype = 'f'"); err != nil {
			t.Fatal(err)
		}
		names = append(names, fks...)
	}
	sort.Strings(names)
	return names
}

// TestSiteWriterBulkLoad writes more sites than bulkIndexRows, the bulk path
// that drops and rebuilds the indexes, into an empty table, then again as
// upserts with changed names plus new sites, and compares the store with
// what was written: the same sites, no duplicates, the same indexes, and
// the bound filter (which uses sites_bbox) agreeing with a plain scan.
func TestSiteWriterBulkLoad(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		before := indexNames(t, s)
		sites := benchSites(bulkIndexRows + 500)
		if err := s.SaveSites(ctx, okRun(RunKavels, "bulk.csv"), sites); err != nil {
			t.Fatal(err)
		}
		if got := indexNames(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("indexes after a bulk load %v, want %v", got, before)
		}
		// Re-import: half of them renamed, and 2000 new ones.
		again := benchSites(bulkIndexRows + 2500)
		for i := range again {
			if i%2 == 0 {
				again[i].Name = fmt.Sprint("renamed ", i)
			}
		}
		w, err := s.NewSiteWriter(ctx, okRun(RunKavels, "bulk.csv"), len(again))
		if err != nil {
			t.Fatal(err)
		}
		for i := range again {
			if err := w.Write(&again[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(again) {
			t.Fatalf("%d sites stored, want %d", len(got), len(again))
		}
		byID := map[string]Site{}
		for _, st := range again {
			byID[st.ID] = st
		}
		for _, st := range got {
			want, ok := byID[st.ID]
			if !ok || st.Name != want.Name || st.SourceRef != want.SourceRef || st.RunID != want.RunID {
				t.Fatalf("stored site %+v, wrote %+v", st, want)
			}
		}
		if got := indexNames(t, s); !reflect.DeepEqual(got, before) {
			t.Errorf("indexes after the upsert %v, want %v", got, before)
		}
		bd := orb.Bound{Min: orb.Point{100000, 400000}, Max: orb.Point{150000, 450000}}
		in, err := s.Sites(ctx, SiteFilter{Bound: &bd})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, st := range got {
			if st.Geometry.Bound().Intersects(bd) {
				n++
			}
		}
		if len(in) != n || n == 0 {
			t.Errorf("bound filter found %d sites, a plain scan %d", len(in), n)
		}
	})
}

// TestSiteWriterRollback leaves nothing behind, not even the run.
func TestSiteWriterRollback(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sites := benchSites(bulkIndexRows + 10)
		w, err := s.NewSiteWriter(ctx, okRun(RunKavels, "x.csv"), len(sites))
		if err != nil {
			t.Fatal(err)
		}
		for i := range sites {
			if err := w.Write(&sites[i]); err != nil {
				t.Fatal(err)
			}
		}
		w.Rollback()
		if n, err := s.CountSites(ctx, SiteFilter{}); err != nil || n != 0 {
			t.Errorf("CountSites = %d, %v after a rollback", n, err)
		}
		if runs, err := s.Runs(ctx); err != nil || len(runs) != 0 {
			t.Errorf("runs %v, %v after a rollback", runs, err)
		}
		if len(indexNames(t, s)) < 5 {
			t.Errorf("indexes %v after a rollback", indexNames(t, s))
		}
		if err := w.Write(&sites[0]); err == nil {
			t.Error("Write after Rollback succeeded")
		}
	})
}

// TestDecodeWKB checks the fast decoder against orb's on random geometries
// of every kind (fixed seed) and falls back for what it does not read.
func TestDecodeWKB(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	pt := func() orb.Point { return orb.Point{rng.Float64() * 3e5, rng.Float64() * 6e5} }
	line := func() orb.LineString {
		l := make(orb.LineString, 2+rng.Intn(5))
		for i := range l {
			l[i] = pt()
		}
		return l
	}
	poly := func() orb.Polygon {
		p := make(orb.Polygon, 1+rng.Intn(3))
		for i := range p {
			r := orb.Ring(line())
			p[i] = append(r, r[0])
		}
		return p
	}
	var gs []orb.Geometry
	for range 200 {
		gs = append(gs, pt(), line(), poly(),
			orb.MultiPoint{pt(), pt()}, orb.MultiLineString{line(), line()}, orb.MultiPolygon{poly(), poly()})
	}
	gs = append(gs, orb.Collection{pt(), line()}, orb.MultiPolygon{}, orb.LineString{})
	for _, g := range gs {
		b, err := wkb.Marshal(g)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeWKB(b)
		if err != nil {
			t.Fatalf("%s: %v", g.GeoJSONType(), err)
		}
		want, _ := wkb.Unmarshal(b)
		if !reflect.DeepEqual(got, want) && !(orbEqualEmpty(got, want)) {
			t.Errorf("decodeWKB(%s) = %v, want %v", g.GeoJSONType(), got, want)
		}
		if len(b) > 9 {
			if _, err := decodeWKB(b[:len(b)-1]); err == nil {
				t.Errorf("decodeWKB of truncated %s succeeded", g.GeoJSONType())
			}
		}
	}
}

// orbEqualEmpty treats nil and empty slices of the same type as equal.
func orbEqualEmpty(a, b orb.Geometry) bool {
	return reflect.TypeOf(a) == reflect.TypeOf(b) && reflect.ValueOf(a).Len() == 0 && reflect.ValueOf(b).Len() == 0
}
