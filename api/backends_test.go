package api

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/internal/pgtest"
	"github.com/plekwijzer/plekwijzer/internal/sample"
	"github.com/plekwijzer/plekwijzer/store"
)

// sampleSnapshot loads a fifth of the synthetic demo inventory into the
// store at dsn and builds its snapshot.
func sampleSnapshot(t *testing.T, dsn string) *Snapshot {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := importers.ImportDefaults(ctx, st); err != nil {
		t.Fatal(err)
	}
	gemeenten, err := st.Gemeenten(ctx)
	if err != nil {
		t.Fatal(err)
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	centra := map[string]bool{}
	for _, r := range regions {
		centra[r.Centrumgemeente] = true
	}
	files, err := sample.Generate(ctx, t.TempDir(), gemeenten, centra, sample.Options{Seed: 7, Scale: 0.2})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if _, err := importers.Import(ctx, st, f.Path, importers.Options{Kind: f.Kind, Layer: f.Layer, Source: sample.Source}); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := BuildSnapshot(ctx, st, Scoring{ReferenceDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// TestIndexedPathsOnBothBackends builds the snapshot of the same inventory
// from SQLite and from PostGIS and checks that random queries through the
// indexed catalog give exactly what a plain scan gives, on both, feature
// for feature and property for property.
func TestIndexedPathsOnBothBackends(t *testing.T) {
	snaps := map[string]*Snapshot{"sqlite": sampleSnapshot(t, ":memory:"), "postgis": sampleSnapshot(t, pgtest.DSN(t))}
	ctx := context.Background()
	cats := map[string]*MemoryCatalog{}
	layers := map[string]map[string]Layer{}
	for name, snap := range snaps {
		cats[name] = NewMemoryCatalog(snap.Tables...)
		layers[name] = map[string]Layer{}
		for _, l := range snapLayers(snap) {
			layers[name][l.Collection.ID] = l
		}
	}
	r := rand.New(rand.NewPCG(28992, 4326))
	colls := []string{CollGebouwen, CollKavels, CollKandidatenFlex, CollKandidatenTransfor, "laag-ov_halte"}
	sorts := [][]SortKey{nil, {{Name: "score", Desc: true}}, {{Name: "naam"}}, {{Name: "rank_in_region"}, {Name: "gemeente", Desc: true}}}
	for i := range 150 {
		coll := colls[r.IntN(len(colls))]
		l := layers["sqlite"][coll]
		if len(l.Features) == 0 {
			t.Fatalf("%s is empty", coll)
		}
		var q Query
		q.Limit, q.Offset = 1+r.IntN(50), r.IntN(3)*r.IntN(40)
		if r.IntN(3) > 0 {
			c := l.Features[r.IntN(len(l.Features))].Geometry.Bound().Center()
			s := 2000 + r.Float64()*30000
			b := orb.Bound{Min: orb.Point{c[0] - s/2, c[1] - s/2}, Max: orb.Point{c[0] + s/2, c[1] + s/2}}
			if r.IntN(2) == 0 {
				q.BBox = NewBBox(b, geo.RDNew)
			} else {
				q.BBox = NewBBox(orb.Bound{Min: geo.RDToWGS84(b.Min), Max: geo.RDToWGS84(b.Max)}, geo.CRS84)
			}
		}
		if _, ok := l.Collection.Property("eligible"); ok && r.IntN(2) == 0 {
			q.Props = append(q.Props, PropertyFilter{Name: "eligible", Value: r.IntN(3) > 0})
		}
		if r.IntN(3) == 0 && coll != "laag-ov_halte" {
			g := l.Features[r.IntN(len(l.Features))].Properties["centrumgemeente"].(string)
			f, err := parseFilter(fmt.Sprintf("centrumgemeente = '%s' OR naam LIKE '%%1%%'", g), geo.CRS84, l.Collection)
			if err != nil {
				t.Fatal(err)
			}
			q.Filter = f
		}
		if _, ok := l.Collection.Property("score"); ok {
			q.Sort = sorts[r.IntN(len(sorts))]
		}
		want, wantN := scanItems(l, q)
		var first []json.RawMessage
		for _, backend := range []string{"sqlite", "postgis"} {
			var ids []string
			var props []json.RawMessage
			n, err := cats[backend].Items(ctx, coll, q, func(f *Feature) error {
				ids = append(ids, f.ID)
				b, _ := json.Marshal(f.Properties)
				props = append(props, b)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if ids == nil {
				ids = []string{}
			}
			if n != wantN || !slices.Equal(ids, want) {
				t.Fatalf("query %d on %s/%s (%s): %d matched %v; the plain scan gives %d matched %v",
					i, backend, coll, describeQuery(q), n, ids, wantN, want)
			}
			if first == nil {
				first = props
				continue
			}
			for k := range props {
				if string(props[k]) != string(first[k]) {
					t.Fatalf("query %d on %s: feature %s differs between SQLite and PostGIS:\n%s\n%s", i, coll, ids[k], first[k], props[k])
				}
			}
		}
	}
}
