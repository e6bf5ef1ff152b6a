package api

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/internal/pgtest"
	"github.com/plekwijzer/plekwijzer/store"
)

// pgTestDSN returns a DSN whose search_path is a schema private to t
// (dropped when t ends), in the database of PLEKWIJZER_TEST_PG. Without it
// the test is skipped, and fails under CI=true.
func pgTestDSN(t testing.TB) string { return pgtest.DSN(t) }

// pgFixture loads nSites random sites and nFeatures random context
// features (fixed seed) into a private schema and returns the PostGIS
// catalog and the memory catalog over the same stored data.
func pgFixture(t testing.TB, nSites, nFeatures int) (*PostGISCatalog, *MemoryCatalog) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, pgTestDSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	r := mrand.New(mrand.NewPCG(2026, 1201))
	square := func(x, y, s float64) orb.Polygon {
		return orb.Polygon{{{x, y}, {x + s, y}, {x + s, y + s}, {x, y + s}, {x, y}}}
	}
	run := func(kind store.RunKind) *store.Run {
		return &store.Run{Kind: kind, File: "test", Started: time.Now(), Status: store.RunOK}
	}
	gs := []store.Gemeente{
		{Code: "GM0344", Name: "Utrecht", Geometry: square(130000, 440000, 10000)},
		{Code: "GM0363", Name: "Amsterdam", Geometry: square(120000, 480000, 10000)},
		{Code: "GM0518", Name: "'s-Gravenhage", Geometry: square(80000, 450000, 10000)},
	}
	if err := st.SaveGemeenten(ctx, run(store.RunGemeenten), gs); err != nil {
		t.Fatal(err)
	}
	rs := []store.RegionMember{
		{Gemeente: "GM0344", GemeenteNaam: "Utrecht", Centrumgemeente: "GM0344", CentrumgemeenteNaam: "Utrecht"},
		{Gemeente: "GM0599", GemeenteNaam: "Rotterdam", Centrumgemeente: "GM0599", CentrumgemeenteNaam: "Rotterdam"},
	}
	if err := st.SaveRegions(ctx, run(store.RunRegios), rs); err != nil {
		t.Fatal(err)
	}
	names := []string{"Zuid", "abc", "Émile", "école", "", "Ab", "a b", "zz"}
	gemeenten := []string{"GM0344", "GM0363", "GM0518", "GM0599", ""}
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	date := func() *time.Time {
		if r.IntN(2) == 0 {
			return nil
		}
		d := base.AddDate(0, 0, r.IntN(900)).Add(time.Duration(r.IntN(24*60)) * time.Minute)
		return &d
	}
	sites := make([]store.Site, nSites)
	for i := range sites {
		x, y := 130000+r.Float64()*40000, 440000+r.Float64()*40000
		var g orb.Geometry = orb.Point{x, y}
		if i%7 == 0 {
			g = square(x, y, r.Float64()*300)
		}
		s := store.Site{Kind: store.Gebouw, Source: []string{"rvb", "gemeente-utrecht", "synthetisch"}[r.IntN(3)],
			SourceRef: fmt.Sprint(i), Name: fmt.Sprintf("%s %d", names[r.IntN(len(names))], r.IntN(10)),
			Address:  store.Address{Straat: names[r.IntN(len(names))], Postcode: fmt.Sprintf("35%02dAB", r.IntN(20)), Plaats: "Utrecht"},
			Geometry: g, Function: names[r.IntN(3)], Status: []string{"", "leeg", "afstoten"}[r.IntN(3)],
			AvailableFrom: date(), AvailableUntil: date(),
			Gemeente: gemeenten[r.IntN(len(gemeenten))], Centrumgemeente: []string{"GM0344", "GM0599", ""}[r.IntN(3)]}
		if r.IntN(2) == 0 {
			s.Kind = store.Kavel
		}
		if r.IntN(3) > 0 {
			s.Address.Huisnummer = 1 + r.IntN(200)
		}
		if r.IntN(3) > 0 {
			a := float64(r.IntN(50)) * 10.5
			s.AreaM2 = &a
		}
		if r.IntN(3) > 0 {
			y := 1900 + r.IntN(120)
			s.ConstructionYear = &y
		}
		if r.IntN(3) > 0 {
			s.Attributes = map[string]string{"synthetisch": []string{"ja", "JA", "nee", "Ja "}[r.IntN(4)], "k": fmt.Sprint(r.IntN(5))}
		}
		sites[i] = s
	}
	if err := st.SaveSites(ctx, run(store.RunGebouwen), sites); err != nil {
		t.Fatal(err)
	}
	for _, layer := range []string{"ov_halte", "natura2000"} {
		fs := make([]store.Feature, nFeatures/2)
		for i := range fs {
			x, y := 130000+r.Float64()*40000, 440000+r.Float64()*40000
			var g orb.Geometry = orb.Point{x, y}
			if layer == "natura2000" {
				g = square(x, y, r.Float64()*2000)
			}
			fs[i] = store.Feature{Name: fmt.Sprintf("%s %d", names[r.IntN(len(names))], r.IntN(20)), Geometry: g}
			if r.IntN(2) == 0 {
				fs[i].Attributes = map[string]string{"bron": []string{"osm", "<b>&"}[r.IntN(2)]}
			}
		}
		if err := st.SaveFeatures(ctx, run(store.RunLaag), layer, fs); err != nil {
			t.Fatal(err)
		}
	}
	stored, err := st.Sites(ctx, store.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	features, err := st.Features(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	members, err := st.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	storedGemeenten, err := st.Gemeenten(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := regionNames(members, storedGemeenten)
	tables := []Table{
		siteTable(CollGebouwen, "Leegstaande gebouwen", "Vacant buildings (gebouwen) from the imported inventories.",
			store.Gebouw, stored, sitesOfKind(stored, store.Gebouw), n),
		siteTable(CollKavels, "Leegstaande kavels", "Vacant plots (kavels) from the imported inventories.",
			store.Kavel, stored, sitesOfKind(stored, store.Kavel), n),
	}
	mem := NewMemoryCatalog(append(tables, contextTables(features)...)...)
	pg, err := NewPostGISCatalog(ctx, st.DB().DB)
	if err != nil {
		t.Fatal(err)
	}
	return pg, mem
}

var (
	pgSiteFilters = []string{"", "", "", "huisnummer > 100", "bouwjaar BETWEEN 1950 AND 2000", "naam LIKE 'É%'",
		"oppervlakte_m2 IS NULL", "NOT (synthetisch = true)", "gemeente IN ('GM0344', 'GM0599')",
		"beschikbaar_vanaf > DATE('2026-01-01')", "beschikbaar_tot IS NULL AND status <> 'leeg'",
		"S_INTERSECTS(geometry, POLYGON((5.0 52.0, 5.2 52.0, 5.2 52.2, 5.0 52.2, 5.0 52.0)))",
		"gemeente_naam = 'Utrecht' OR bouwjaar < 1930", "attributen LIKE '%JA%'", "centrumgemeente_naam = ''"}
	pgSiteSorts = [][]SortKey{nil, nil, {{Name: "naam"}}, {{Name: "naam", Desc: true}, {Name: "bouwjaar"}},
		{{Name: "beschikbaar_vanaf"}}, {{Name: "beschikbaar_tot", Desc: true}}, {{Name: "huisnummer", Desc: true}},
		{{Name: "oppervlakte_m2"}}, {{Name: "synthetisch"}, {Name: "id", Desc: true}}, {{Name: "gemeente_naam", Desc: true}},
		{{Name: "attributen"}}, {{Name: "centrumgemeente_naam"}, {Name: "huisnummer"}}}
	pgLayerFilters = []string{"", "", "naam LIKE 'a%'", "attributen IS NULL",
		"S_INTERSECTS(geometry, POLYGON((5.0 52.0, 5.2 52.0, 5.2 52.2, 5.0 52.2, 5.0 52.0)))", "laag = 'ov_halte'"}
	pgLayerSorts = [][]SortKey{nil, {{Name: "naam"}}, {{Name: "naam", Desc: true}}, {{Name: "attributen", Desc: true}}, {{Name: "id", Desc: true}}}
)

// randomPGQuery returns a random query on a site collection or a layer.
func randomPGQuery(t *testing.T, r *mrand.Rand, coll Collection) Query {
	t.Helper()
	var q Query
	q.Limit, q.Offset = r.IntN(60)-5, r.IntN(3)*r.IntN(200)
	if r.IntN(2) == 0 {
		x, y := 128000+r.Float64()*40000, 438000+r.Float64()*40000
		s := r.Float64() * 15000
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + s, y + s}}
		switch r.IntN(3) {
		case 0:
			q.BBox = NewBBox(b, geo.RDNew)
		case 1:
			ll := geo.RDToWGS84(b.Min)
			q.BBox = NewBBox(orb.Bound{Min: ll, Max: orb.Point{ll[0] + s/70000, ll[1] + s/110000}}, geo.CRS84)
		default:
			ll := geo.RDToWGS84(b.Min)
			q.BBox = NewBBox(orb.Bound{Min: orb.Point{ll[1], ll[0]}, Max: orb.Point{ll[1] + s/110000, ll[0] + s/70000}}, geo.WGS84)
		}
	}
	filters, sorts := pgLayerFilters, pgLayerSorts
	if _, site := coll.Property("soort"); site {
		filters, sorts = pgSiteFilters, pgSiteSorts
		props := []PropertyFilter{
			{Name: "gemeente", Value: []string{"GM0344", "GM0363", "GM9999"}[r.IntN(3)]},
			{Name: "synthetisch", Value: r.IntN(2) == 0},
			{Name: "huisnummer", Value: float64(r.IntN(200))},
			{Name: "beschikbaar_vanaf", Value: base2025.AddDate(0, 0, r.IntN(900))},
			{Name: "gemeente_naam", Value: []string{"Utrecht", "", "Rotterdam"}[r.IntN(3)]},
			{Name: "attributen", Value: `{"k":"1","synthetisch":"ja"}`},
		}
		for _, pf := range props {
			if r.IntN(6) == 0 {
				q.Props = append(q.Props, pf)
			}
		}
	} else if r.IntN(4) == 0 {
		q.Props = append(q.Props, PropertyFilter{Name: "naam", Value: "abc 3"})
	}
	if text := filters[r.IntN(len(filters))]; text != "" {
		f, err := parseFilter(text, geo.CRS84, coll)
		if err != nil {
			t.Fatalf("filter %q: %v", text, err)
		}
		q.Filter = f
	}
	q.Sort = sorts[r.IntN(len(sorts))]
	return q
}

var base2025 = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func collect(t *testing.T, cat Catalog, coll string, q Query) ([]*Feature, int) {
	t.Helper()
	var fs []*Feature
	n, err := cat.Items(context.Background(), coll, q, func(f *Feature) error {
		fs = append(fs, f)
		return nil
	})
	if err != nil {
		t.Fatalf("%T.Items(%s, %s): %v", cat, coll, describeQuery(q), err)
	}
	return fs, n
}

func ids(fs []*Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// sameFeature reports how a and b differ, "" when they do not.
func sameFeature(a, b *Feature) string {
	if a.ID != b.ID {
		return fmt.Sprintf("id %s != %s", a.ID, b.ID)
	}
	if !orb.Equal(a.Geometry, b.Geometry) {
		return fmt.Sprintf("%s: geometry %v != %v", a.ID, a.Geometry, b.Geometry)
	}
	for k, v := range a.Properties {
		if w, ok := b.Properties[k]; !ok || !reflect.DeepEqual(v, w) {
			return fmt.Sprintf("%s: %s = %#v (%T), want %#v (%T)", a.ID, k, v, v, w, w)
		}
	}
	if len(a.Properties) != len(b.Properties) {
		return fmt.Sprintf("%s: %d properties, want %d", a.ID, len(a.Properties), len(b.Properties))
	}
	return ""
}

func TestPostGISCatalogMatchesMemory(t *testing.T) {
	pg, mem := pgFixture(t, 3000, 2000)
	ctx := context.Background()
	pgColls, err := pg.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	memColls, _ := mem.Collections(ctx)
	if len(pgColls) != len(memColls) {
		t.Fatalf("%d collections, memory has %d", len(pgColls), len(memColls))
	}
	for i, c := range pgColls {
		m := memColls[i]
		// ST_Extent may round outward to single precision: within a metre.
		for j := range 2 {
			if d := max(abs(c.Bound.Min[j]-m.Bound.Min[j]), abs(c.Bound.Max[j]-m.Bound.Max[j])); d > 1 {
				t.Errorf("%s: bound %v, memory %v", c.ID, c.Bound, m.Bound)
			}
		}
		c.Bound, m.Bound = orb.Bound{}, orb.Bound{}
		if !reflect.DeepEqual(c, m) {
			t.Errorf("collection %d:\n%+v\nmemory:\n%+v", i, c, m)
		}
	}
	r := mrand.New(mrand.NewPCG(12, 2026))
	for i := range 600 {
		coll := pgColls[i%len(pgColls)]
		q := randomPGQuery(t, r, coll)
		got, n := collect(t, pg, coll.ID, q)
		want, wantN := collect(t, mem, coll.ID, q)
		if n != wantN || !slices.Equal(ids(got), ids(want)) {
			t.Fatalf("query %d on %s, %s:\npostgis %d matched %v\nmemory  %d matched %v", i, coll.ID, describeQuery(q), n, ids(got), wantN, ids(want))
		}
		for j := range got {
			if d := sameFeature(got[j], want[j]); d != "" {
				t.Fatalf("query %d on %s: %s", i, coll.ID, d)
			}
		}
	}
}

func abs(x float64) float64 { return max(x, -x) }

func TestPostGISCatalogItem(t *testing.T) {
	pg, mem := pgFixture(t, 300, 200)
	ctx := context.Background()
	colls, _ := mem.Collections(ctx)
	for _, c := range colls {
		all, _ := collect(t, mem, c.ID, Query{Limit: -1})
		if len(all) == 0 {
			t.Fatalf("%s is empty", c.ID)
		}
		for _, want := range all {
			got, err := pg.Item(ctx, c.ID, want.ID)
			if err != nil {
				t.Fatalf("Item(%s, %s): %v", c.ID, want.ID, err)
			}
			if d := sameFeature(got, want); d != "" {
				t.Fatalf("Item(%s): %s", c.ID, d)
			}
		}
		for _, id := range []string{"nope", "0", "-1", "007", "99999999999999999999", all[0].ID + " "} {
			if _, err := pg.Item(ctx, c.ID, id); !errors.Is(err, ErrFeatureNotFound) {
				t.Errorf("Item(%s, %q) = %v, want ErrFeatureNotFound", c.ID, id, err)
			}
		}
	}
	if _, err := pg.Item(ctx, "nope", "1"); !errors.Is(err, ErrCollectionNotFound) {
		t.Errorf("Item of an unknown collection: %v", err)
	}
	if _, err := pg.Items(ctx, "kandidaten-flexwonen", Query{}, nil); !errors.Is(err, ErrCollectionNotFound) {
		t.Errorf("Items of a collection PostGIS does not serve: %v", err)
	}
	// The caller's error ends the stream and comes back as it is.
	stop := errors.New("stop")
	calls := 0
	if _, err := pg.Items(ctx, CollGebouwen, Query{Limit: -1}, func(*Feature) error { calls++; return stop }); err != stop || calls != 1 {
		t.Errorf("Items with a failing callback: %v after %d calls", err, calls)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := pg.Items(cancelled, CollGebouwen, Query{Limit: -1}, func(*Feature) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Items with a cancelled context: %v", err)
	}
}

// BenchmarkCatalogBBoxPage reads one page of 100 gebouwen in a 5 km box
// from both catalogs over the same 20 000 stored sites: the ratio of the
// memory and postgis sub-benchmarks of one run is what the PostGIS catalog
// costs per request. lonlat is the same box in CRS84, tested in Go on the
// rows of its RD bound; sorted orders the page by bouwjaar.
func BenchmarkCatalogBBoxPage(b *testing.B) {
	pg, mem := pgFixture(b, 20000, 2000)
	rd := orb.Bound{Min: orb.Point{145000, 455000}, Max: orb.Point{150000, 460000}}
	ll := orb.Bound{Min: geo.RDToWGS84(rd.Min), Max: geo.RDToWGS84(rd.Max)}
	queries := []struct {
		name string
		q    Query
	}{
		{"rd", Query{BBox: NewBBox(rd, geo.RDNew), Limit: 100}},
		{"sorted", Query{BBox: NewBBox(rd, geo.RDNew), Limit: 100, Sort: []SortKey{{Name: "bouwjaar", Desc: true}}}},
		{"lonlat", Query{BBox: NewBBox(ll, geo.CRS84), Limit: 100}},
	}
	for _, qc := range queries {
		for _, cc := range []struct {
			name string
			cat  Catalog
		}{{"memory", mem}, {"postgis", pg}} {
			b.Run(qc.name+"/"+cc.name, func(b *testing.B) {
				ctx := context.Background()
				for b.Loop() {
					n, err := cc.cat.Items(ctx, CollGebouwen, qc.q, func(*Feature) error { return nil })
					if err != nil || n == 0 {
						b.Fatal(n, err)
					}
				}
			})
		}
	}
}
