package api

import (
	"context"
	"io"
	"log/slog"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

var fixtureDate = time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)

// snapLayers materialises every table of snap, features in id order.
func snapLayers(snap *Snapshot) []Layer {
	var out []Layer
	for _, tb := range snap.Tables {
		mt := newMemTable(tb)
		l := Layer{Collection: mt.Collection}
		for _, row := range mt.ord {
			l.Features = append(l.Features, *mt.feature(int(row)))
		}
		out = append(out, l)
	}
	return out
}

func layerByID(t testing.TB, snap *Snapshot, id string) Layer {
	t.Helper()
	for _, l := range snapLayers(snap) {
		if l.Collection.ID == id {
			return l
		}
	}
	t.Fatalf("snapshot has no layer %s", id)
	return Layer{}
}

func TestBuildSnapshot(t *testing.T) {
	ctx := context.Background()
	st := fixtureStore(t)
	snap, err := BuildSnapshot(ctx, st, Scoring{ReferenceDate: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	gen, err := st.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if snap.Generation != gen {
		t.Errorf("generation %d, store %d", snap.Generation, gen)
	}
	var ids []string
	for _, l := range snapLayers(snap) {
		ids = append(ids, l.Collection.ID)
	}
	want := []string{CollGebouwen, CollKavels, CollKandidatenFlex, CollKandidatenTransfor, CollGemeenten, CollRegios,
		"laag-natura2000", "laag-ov_halte"} // context layers sorted by kind
	if len(ids) != len(want) {
		t.Fatalf("layers %v, want %v", ids, want)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("layers %v, want %v", ids, want)
		}
	}

	gemeenten, _ := st.Gemeenten(ctx)
	members, _ := st.Regions(ctx)
	if n := len(layerByID(t, snap, CollGemeenten).Features); n != len(gemeenten) {
		t.Errorf("gemeenten layer: %d features, store %d", n, len(gemeenten))
	}
	// With the embedded region table each region is its dissolved outline
	// from data/regios.geojson: one geometry with the area of its members
	// together (to 1%), covering each member's interior point.
	perCG := map[string]int{}
	area := map[string]float64{}
	byCode := map[string]store.Gemeente{}
	for _, g := range gemeenten {
		byCode[g.Code] = g
	}
	for _, m := range members {
		perCG[m.Centrumgemeente]++
		area[m.Centrumgemeente] += geo.Area(byCode[m.Gemeente].Geometry)
	}
	memberPolys, regionPolys := 0, 0
	for _, g := range gemeenten {
		if mp, ok := g.Geometry.(orb.MultiPolygon); ok {
			memberPolys += len(mp)
		} else {
			memberPolys++
		}
	}
	reg := layerByID(t, snap, CollRegios)
	if len(reg.Features) != len(perCG) || len(snap.Regions) != len(perCG) {
		t.Errorf("regios: %d features, %d summaries, want %d", len(reg.Features), len(snap.Regions), len(perCG))
	}
	for _, f := range reg.Features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			t.Errorf("region %s: geometry %T, want MultiPolygon", f.ID, f.Geometry)
			continue
		}
		regionPolys += len(mp)
		if a := geo.Area(mp); math.Abs(a-area[f.ID]) > 0.01*area[f.ID] {
			t.Errorf("region %s: area %.0f m², members together %.0f m²", f.ID, a, area[f.ID])
		}
		if f.Properties["gemeenten"] != perCG[f.ID] {
			t.Errorf("region %s: gemeenten %v, want %d", f.ID, f.Properties["gemeenten"], perCG[f.ID])
		}
	}
	if regionPolys*2 > memberPolys {
		t.Errorf("regions have %d polygons, their gemeenten %d: the outlines are not dissolved", regionPolys, memberPolys)
	}

	// Site layers split by kind and carry resolved names.
	geb := layerByID(t, snap, CollGebouwen)
	if len(geb.Features) != 2 {
		t.Fatalf("gebouwen: %d features", len(geb.Features))
	}
	for _, f := range geb.Features {
		p := f.Properties
		if p["soort"] != "gebouw" || p["centrumgemeente_naam"] != "Utrecht" || p["synthetisch"] != false || p["bron"] != "gebouwen" {
			t.Errorf("gebouw %s properties %v", f.ID, p)
		}
		if p["huisnummer"] != nil {
			t.Errorf("gebouw %s without huisnummer: %v, want null", f.ID, p["huisnummer"])
		}
		if f.ID == idU1 && (p["bouwjaar"] != 1975 || p["oppervlakte_m2"] != 2000.0 || p["functie"] != "kantoor" || p["gemeente_naam"] != "Utrecht") {
			t.Errorf("U-1 properties %v", p)
		}
	}
	if _, ok := snap.Profiles[matching.Flex]; !ok {
		t.Error("no flex profile in the snapshot")
	}
	_, u1, _ := snap.Site(idU1)
	_, k1, _ := snap.Site(idK1)
	if _, ok := snap.Result(matching.Transformatie, u1); !ok {
		t.Error("transformatie scores should hold U-1")
	}
	if _, ok := snap.Result(matching.Transformatie, k1); ok {
		t.Error("transformatie scores should hold U-1 and no kavel")
	}
	// Every layer's features have the declared properties only.
	for _, l := range snapLayers(snap) {
		decl := map[string]bool{}
		for _, p := range l.Collection.Properties {
			decl[p.Name] = true
		}
		for _, f := range l.Features {
			for k := range f.Properties {
				if !decl[k] {
					t.Errorf("%s/%s: property %s is not declared", l.Collection.ID, f.ID, k)
				}
			}
		}
	}
}

func TestBuildSnapshotScoring(t *testing.T) {
	ctx := context.Background()
	st := fixtureStore(t)
	profiles, err := matching.DefaultProfiles()
	if err != nil {
		t.Fatal(err)
	}
	var flex *matching.Profile
	for _, p := range profiles {
		if p.Use == matching.Flex {
			flex = p
		}
	}
	// Only a flex profile, and a demand table without Utrecht.
	snap, err := BuildSnapshot(ctx, st, Scoring{Profiles: []*matching.Profile{flex}, Demand: matching.DemandTable{}, ReferenceDate: fixtureDate})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range snapLayers(snap) {
		if l.Collection.ID == CollKandidatenTransfor {
			t.Error("kandidaten-transformatie without a transformatie profile")
		}
	}
	if len(snap.Sets) != 1 || snap.Sets[matching.Flex] == nil {
		t.Errorf("scores for %d uses, want flex only", len(snap.Sets))
	}
	for _, r := range snap.Regions {
		if r.DemandStatus != "geen gegevens" || r.Need != nil || r.Target != nil || r.Gap != nil {
			t.Errorf("%s with an empty demand table: %+v", r.Centrumgemeente, r)
		}
	}
}

func TestBuildSnapshotEmptyStore(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	snap, err := BuildSnapshot(ctx, st, Scoring{})
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Sites) != 0 || len(snap.Regions) != 0 {
		t.Errorf("empty store: %d sites, %d regions", len(snap.Sites), len(snap.Regions))
	}
	// The catalog still serves the domain collections, empty.
	srv, err := New(NewMemoryCatalog(snap.Tables...), Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{CollGebouwen, CollKandidatenFlex, CollRegios} {
		rec := get(t, srv.Handler(), "/collections/"+id+"/items")
		if rec.Code != 200 {
			t.Errorf("%s on an empty store: %d %s", id, rec.Code, rec.Body.String())
		}
	}
}

// A region the user's own table changed keeps its members' polygons.
func TestRegionOutlinesOnlyForUnchangedRegions(t *testing.T) {
	members := []store.RegionMember{
		{Gemeente: "GM0344", Centrumgemeente: "GM0344"}, // Utrecht alone: changed
	}
	if got := regionOutlines(members); len(got) != 0 {
		t.Errorf("outlines for a changed table: %v regions", len(got))
	}
	st := fixtureStore(t)
	all, err := st.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := regionOutlines(all)
	cg := map[string]bool{}
	for _, m := range all {
		cg[m.Centrumgemeente] = true
	}
	if len(out) != len(cg) {
		t.Errorf("embedded table: outlines for %d of %d regions", len(out), len(cg))
	}
}
