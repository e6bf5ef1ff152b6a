package importers

import (
	"context"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// defaultsStore returns a store with the embedded gemeenten and regions.
// Every test gets its own store; the import itself is the thing tested in
// TestImportDefaults.
func defaultsStore(t *testing.T) *store.Store {
	t.Helper()
	st := openStore(t)
	if err := ImportDefaults(context.Background(), st); err != nil {
		t.Fatalf("ImportDefaults: %v", err)
	}
	return st
}

var (
	assignerOnce sync.Once
	assignerVal  *Assigner
	assignerErr  error
)

// embeddedAssigner builds one Assigner over the embedded data for the tests
// that only query it (read-only, safe to share).
func embeddedAssigner(t *testing.T) *Assigner {
	t.Helper()
	assignerOnce.Do(func() {
		st, err := store.Open(context.Background(), ":memory:")
		if err != nil {
			assignerErr = err
			return
		}
		defer st.Close()
		if assignerErr = ImportDefaults(context.Background(), st); assignerErr != nil {
			return
		}
		assignerVal, assignerErr = NewAssigner(context.Background(), st)
	})
	if assignerErr != nil {
		t.Fatal(assignerErr)
	}
	return assignerVal
}

func TestImportDefaults(t *testing.T) {
	ctx := context.Background()
	st := defaultsStore(t)
	gs, err := st.Gemeenten(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := st.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) < 300 || len(rs) != len(gs) {
		t.Fatalf("%d gemeenten, %d region rows", len(gs), len(rs))
	}
	runs, err := st.Runs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, r := range runs {
		files[r.File] = r.Status
	}
	if files["embedded:gemeenten.geojson"] != store.RunOK || files["embedded:regios.csv"] != store.RunOK {
		t.Errorf("runs %v", files)
	}
	// A second call changes nothing.
	if err := ImportDefaults(ctx, st); err != nil {
		t.Fatal(err)
	}
	if runs2, _ := st.Runs(ctx); len(runs2) != len(runs) {
		t.Errorf("second ImportDefaults added runs: %d -> %d", len(runs), len(runs2))
	}
	// The centrumgemeenten are derived from the data, not a constant.
	heads := map[string]bool{}
	for _, r := range rs {
		heads[r.Centrumgemeente] = true
	}
	if len(heads) < 30 {
		t.Errorf("%d centrumgemeenten", len(heads))
	}
}

func TestAssignEmbeddedGemeenten(t *testing.T) {
	a := embeddedAssigner(t)
	zeist := geo.WGS84ToRD(orb.Point{5.2331, 52.0893})
	denHaag := geo.WGS84ToRD(orb.Point{4.3007, 52.0705})
	tests := []struct {
		name         string
		g            orb.Geometry
		gem, centrum string
	}{
		{"Utrecht centre", orb.Point{136000, 456000}, "GM0344", "GM0344"},
		{"Zeist", zeist, "GM0355", "GM0344"},
		{"Den Haag", denHaag, "GM0518", "GM0518"},
		{"polygon in Utrecht", orb.Polygon{{{135900, 455900}, {136100, 455900}, {136100, 456100}, {135900, 456100}, {135900, 455900}}}, "GM0344", "GM0344"},
		{"Noordzee far out", orb.Point{20000, 560000}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			gem, cg := a.Assign(tc.g)
			if gem != tc.gem || cg != tc.centrum {
				t.Errorf("Assign = %s, %s; want %s, %s", gem, cg, tc.gem, tc.centrum)
			}
		})
	}
}

func TestAssignCoastTolerance(t *testing.T) {
	square := orb.Polygon{{{0, 0}, {1000, 0}, {1000, 1000}, {0, 1000}, {0, 0}}}
	a := newAssigner([]store.Gemeente{{Code: "GM0001", Geometry: square}},
		[]store.RegionMember{{Gemeente: "GM0001", Centrumgemeente: "GM0001"}})
	for _, tc := range []struct {
		p    orb.Point
		want string
	}{{orb.Point{500, 500}, "GM0001"}, {orb.Point{1900, 500}, "GM0001"}, {orb.Point{2100, 500}, ""}} {
		if got, _ := a.Assign(tc.p); got != tc.want {
			t.Errorf("Assign(%v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

func TestImportSitesGetGemeente(t *testing.T) {
	ctx := context.Background()
	st := defaultsStore(t)
	csv := "id,x,y\nU,136000,456000\nZ,142000,455000\nSEA,20000,560000\n"
	run, err := Import(ctx, st, writeFile(t, "k.csv", csv), Options{Kind: store.RunKavels})
	if err != nil || run.Imported != 3 {
		t.Fatalf("%v %+v", err, run)
	}
	want := map[string][2]string{"U": {"GM0344", "GM0344"}, "Z": {"GM0355", "GM0344"}, "SEA": {"", ""}}
	for ref, w := range want {
		s, err := st.Site(ctx, store.SiteID(store.Kavel, "k", ref))
		if err != nil {
			t.Fatal(err)
		}
		if s.Gemeente != w[0] || s.Centrumgemeente != w[1] {
			t.Errorf("%s: %s/%s, want %v", ref, s.Gemeente, s.Centrumgemeente, w)
		}
	}
	if run.Rejected != 0 || run.Message == "" {
		t.Errorf("the site in the sea should be a note, not a rejection: %+v", run)
	}
}

func TestRepresentativePointInsideUShape(t *testing.T) {
	// A U whose centroid lies in the notch.
	u := orb.Polygon{{{0, 0}, {30, 0}, {30, 30}, {20, 30}, {20, 10}, {10, 10}, {10, 30}, {0, 30}, {0, 0}}}
	c := geo.Centroid(u)
	if geo.Contains(u, c) {
		t.Fatalf("test shape broken: centroid %v inside", c)
	}
	p := representativePoint(u)
	if !geo.Contains(u, p) {
		t.Errorf("representative point %v lies outside the U", p)
	}
}

func TestBufferLine(t *testing.T) {
	line := orb.LineString{{0, 0}, {1000, 0}, {1000, 1000}}
	buf := bufferLine(line, 100)
	if len(buf) != 2 {
		t.Fatalf("%d capsules, want 2", len(buf))
	}
	for _, tc := range []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{500, 99}, true}, {orb.Point{500, -99}, true}, {orb.Point{500, 101}, false},
		{orb.Point{-95, 0}, true}, {orb.Point{-105, 0}, false},
		{orb.Point{1099, 500}, true}, {orb.Point{1060, 1060}, true}, {orb.Point{1000, 1101}, false},
	} {
		if got := geo.Contains(buf, tc.p); got != tc.want {
			t.Errorf("Contains(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if _, _, err := geo.Repair(buf[0]); err != nil {
		t.Errorf("capsule invalid: %v", err)
	}
}

func TestImportGemeentenMovesStoredSites(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	if err := ImportDefaults(ctx, st); err != nil {
		t.Fatal(err)
	}
	csv := "bouwwerkcode;naam;x;y\nZ-1;Kantoor Zeist;140000;454000\nU-1;Kantoor Utrecht;136000;456000\n"
	if _, err := Import(ctx, st, writeFile(t, "g.csv", csv), Options{Kind: store.RunGebouwen}); err != nil {
		t.Fatal(err)
	}
	// New boundaries: one made-up gemeente GM0355 shrunk to a square around
	// the Zeist site, and Utrecht gone; the region table still has both.
	gj := `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::28992"}},"features":[
	{"type":"Feature","properties":{"statcode":"GM0355","statnaam":"Zeist"},"geometry":{"type":"Polygon","coordinates":[[[139000,453000],[141000,453000],[141000,455000],[139000,455000],[139000,453000]]]}}]}`
	run, err := Import(ctx, st, writeFile(t, "gemeenten.geojson", gj), Options{Kind: store.RunGemeenten})
	if err != nil || run.Status != store.RunOK {
		t.Fatalf("import gemeenten: %v %+v", err, run)
	}
	sites, err := st.Sites(ctx, store.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sites {
		want := map[string][2]string{"Z-1": {"GM0355", "GM0344"}, "U-1": {"", ""}}[s.SourceRef]
		if s.Gemeente != want[0] || s.Centrumgemeente != want[1] {
			t.Errorf("%s after new boundaries: gemeente %q centrumgemeente %q, want %q %q", s.SourceRef, s.Gemeente, s.Centrumgemeente, want[0], want[1])
		}
	}
}
