package store

import (
	"context"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

func ptr[T any](v T) *T { return &v }

var amsterdam = time.FixedZone("CEST", 2*60*60)

// testSites returns sites covering every field and geometry type.
func testSites() []Site {
	poly := orb.Polygon{
		{{121000, 487000}, {121100.25, 487000}, {121100.25, 487080.125}, {121000, 487080.125}, {121000, 487000}},
		{{121010, 487010}, {121020, 487010}, {121020, 487020}, {121010, 487010}},
	}
	multi := orb.MultiPolygon{
		{{{136000, 455000}, {136050, 455000}, {136050, 455040}, {136000, 455000}}},
		{{{136100, 455100}, {136160.5, 455100}, {136160.5, 455170.75}, {136100, 455170.75}, {136100, 455100}}},
	}
	return []Site{
		{
			Kind: Gebouw, Source: "rvb", SourceRef: "BW-0001", Name: "Voormalig belastingkantoor",
			Address:  Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "bis", Postcode: "1017GC", Plaats: "Amsterdam"},
			Geometry: orb.Point{121234.567, 487654.321},
			AreaM2:   ptr(2450.5), AreaKind: AreaBVO, Function: "kantoorfunctie", ConstructionYear: ptr(1965),
			Monument: "rijksmonument", Status: "in afstoting", Owner: "RVB",
			AvailableFrom:  ptr(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)),
			AvailableUntil: ptr(time.Date(2030, 12, 31, 23, 59, 59, 123456000, amsterdam)),
			Gemeente:       "GM0363", Centrumgemeente: "GM0363",
			Attributes: map[string]string{"Bouwwerkcode": "BW-0001", "Opmerking": "dak lekt \"soms\" — ë"},
			UpdatedAt:  time.Date(2025, 6, 1, 12, 30, 15, 250000000, amsterdam),
		},
		{
			Kind: Kavel, Source: "gemeente-utrecht", SourceRef: "K-17", Name: "Kavel Leidsche Rijn",
			Geometry: poly, AreaM2: ptr(8000.0), AreaKind: AreaPlot, Function: "braak",
			Gemeente: "GM0344", Centrumgemeente: "GM0344",
		},
		{
			Kind: Kavel, Source: "synthetisch", SourceRef: "multi-1",
			Geometry: multi, Gemeente: "GM0599", Centrumgemeente: "GM0599",
			Attributes: map[string]string{"": "empty header", "x": ""},
		},
		{
			Kind: Gebouw, Source: "synthetisch", SourceRef: "line",
			Geometry: orb.LineString{{1, 2}, {3.5, 4.25}},
		},
	}
}

// want returns what reading back site st saved by run runID must give.
func wantSite(st Site, runID int64, saved time.Time) Site {
	st.ID = SiteID(st.Kind, st.Source, st.SourceRef)
	st.RunID = runID
	if st.UpdatedAt.IsZero() {
		st.UpdatedAt = saved
	}
	st.UpdatedAt = st.UpdatedAt.UTC()
	if st.AvailableFrom != nil {
		st.AvailableFrom = ptr(st.AvailableFrom.UTC())
	}
	if st.AvailableUntil != nil {
		st.AvailableUntil = ptr(st.AvailableUntil.UTC())
	}
	return st
}

func okRun(kind RunKind, file string) *Run {
	fin := time.Date(2025, 7, 1, 10, 0, 0, 0, time.UTC)
	return &Run{Kind: kind, File: file, SHA256: "abc", Started: fin.Add(-time.Minute), Finished: &fin, Status: RunOK}
}

func TestSitesRoundTrip(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sites := testSites()
		run := okRun(RunGebouwen, "/tmp/rvb.xlsx")
		if err := s.SaveSites(ctx, run, sites); err != nil {
			t.Fatal(err)
		}
		if run.ID == 0 {
			t.Fatal("SaveSites did not set run.ID")
		}
		saved := *run.Finished
		want := map[string]Site{}
		for i, st := range testSites() {
			w := wantSite(st, run.ID, saved)
			want[w.ID] = w
			if sites[i].ID != w.ID || sites[i].RunID != run.ID {
				t.Errorf("site %d: ID, RunID = %q, %d; want %q, %d", i, sites[i].ID, sites[i].RunID, w.ID, run.ID)
			}
			got, err := s.Site(ctx, w.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, w) {
				t.Errorf("Site(%s):\n got %#v\nwant %#v", w.ID, got, w)
			}
		}
		all, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(want) {
			t.Fatalf("Sites: %d sites, want %d", len(all), len(want))
		}
		for i, got := range all {
			if i > 0 && all[i-1].ID >= got.ID {
				t.Errorf("Sites not ordered by id: %s before %s", all[i-1].ID, got.ID)
			}
			if !reflect.DeepEqual(got, want[got.ID]) {
				t.Errorf("Sites[%d]:\n got %#v\nwant %#v", i, got, want[got.ID])
			}
		}
		if _, err := s.Site(ctx, "gdoesnotexist"); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "gdoesnotexist") {
			t.Errorf("Site(unknown) = %v, want ErrNotFound naming the id", err)
		}
	})
}

func TestSitesUpsert(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		first := testSites()
		run1 := okRun(RunGebouwen, "a.csv")
		if err := s.SaveSites(ctx, run1, first); err != nil {
			t.Fatal(err)
		}
		// The same sites again: nothing is duplicated.
		again := testSites()
		run2 := okRun(RunGebouwen, "a.csv")
		if err := s.SaveSites(ctx, run2, again); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountSites(ctx, SiteFilter{}); err != nil || n != len(first) {
			t.Fatalf("after re-import: CountSites = %d, %v; want %d", n, err, len(first))
		}
		for i := range first {
			if first[i].ID != again[i].ID {
				t.Errorf("site %d: id changed from %s to %s", i, first[i].ID, again[i].ID)
			}
		}
		// Change two sites (one loses optional fields) and add a new one;
		// the other sites keep the values of run 2.
		third := testSites()[:2]
		third[0].Name = "Nieuwe naam"
		third[0].AreaM2 = nil
		third[0].Attributes = nil
		third[0].AvailableFrom = nil
		third[0].Geometry = orb.Point{1, 1}
		third[1].Status = "beschikbaar"
		third = append(third, Site{Kind: Kavel, Source: "rvb", SourceRef: "new", Geometry: orb.Point{5, 5}})
		run3 := okRun(RunKavels, "b.csv")
		if err := s.SaveSites(ctx, run3, third); err != nil {
			t.Fatal(err)
		}
		all, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(first)+1 {
			t.Fatalf("after third import: %d sites, want %d", len(all), len(first)+1)
		}
		want := map[string]Site{}
		for _, st := range testSites()[2:] {
			w := wantSite(st, run2.ID, *run2.Finished)
			want[w.ID] = w
		}
		for _, st := range third {
			st.UpdatedAt = time.Time{}
			if st.SourceRef == "BW-0001" {
				st.UpdatedAt = testSites()[0].UpdatedAt
			}
			w := wantSite(st, run3.ID, *run3.Finished)
			want[w.ID] = w
		}
		for _, got := range all {
			if !reflect.DeepEqual(got, want[got.ID]) {
				t.Errorf("site %s:\n got %#v\nwant %#v", got.ID, got, want[got.ID])
			}
		}
	})
}

func TestSaveSitesFailureChangesNothing(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if err := s.SaveSites(ctx, okRun(RunGebouwen, "good.csv"), testSites()); err != nil {
			t.Fatal(err)
		}
		before, err := s.Sites(ctx, SiteFilter{})
		if err != nil {
			t.Fatal(err)
		}
		runsBefore, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		genBefore, err := s.Generation(ctx)
		if err != nil {
			t.Fatal(err)
		}

		// Many sites, so that earlier batches are written before the failure.
		big := make([]Site, 700)
		for i := range big {
			big[i] = Site{Kind: Kavel, Source: "bad", SourceRef: fmt.Sprint("r", i), Geometry: orb.Point{float64(i), 0}}
		}
		changed := testSites()
		changed[0].Name = "must not land"
		nilGeom := append(append([]Site{}, big...), changed[0])
		nilGeom[650].Geometry = nil
		dup := append(append([]Site{}, big...), changed[0], big[3])
		badKind := append(append([]Site{}, big...), changed[0])
		badKind[100].Kind = "woning"
		refused := append(append([]Site{}, changed[0]), big...)
		failOnSourceRef(t, s, "r600")

		for _, tc := range []struct {
			name    string
			sites   []Site
			invalid bool   // wraps ErrInvalid
			msg     string // part of the message
		}{
			{"nil geometry", nilGeom, true, `site 651 (kavel "r650" from "bad")`},
			{"duplicate", dup, true, "same kavel, source and source reference as site 4"},
			{"bad kind", badKind, true, `kind "woning"`},
			{"database refuses a row", refused, false, "test trigger refuses r600"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				run := okRun(RunKavels, "bad.csv")
				run.Errors = []RowError{{Row: 3, Message: "x"}}
				err := s.SaveSites(ctx, run, tc.sites)
				if err == nil {
					t.Fatal("SaveSites succeeded")
				}
				if errors.Is(err, ErrInvalid) != tc.invalid || !strings.Contains(err.Error(), tc.msg) || !strings.Contains(err.Error(), "bad.csv") {
					t.Errorf("error %q: want ErrInvalid %v and a message naming the file and %q", err, tc.invalid, tc.msg)
				}
				if run.ID != 0 {
					t.Errorf("run.ID = %d after a failed save", run.ID)
				}
				after, err := s.Sites(ctx, SiteFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(after, before) {
					t.Errorf("sites changed by a failed save: %d sites, want %d", len(after), len(before))
				}
				runsAfter, err := s.Runs(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(runsAfter, runsBefore) {
					t.Errorf("runs changed by a failed save: %+v", runsAfter)
				}
				if g, err := s.Generation(ctx); err != nil || g != genBefore {
					t.Errorf("Generation = %d, %v; want %d", g, err, genBefore)
				}
			})
		}
		// The caller then records the failure; that works.
		failed := okRun(RunKavels, "bad.csv")
		failed.Status, failed.Message = RunFailed, "test trigger"
		if err := s.SaveRun(ctx, failed); err != nil {
			t.Fatal(err)
		}
		if g, err := s.Generation(ctx); err != nil || g != genBefore {
			t.Errorf("Generation after failed run = %d, %v; want %d", g, err, genBefore)
		}
	})
}

func TestSaveFeaturesReplacesSameFile(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		save := func(layer, file string, names ...string) []Feature {
			t.Helper()
			fs := make([]Feature, len(names))
			for i, n := range names {
				fs[i] = Feature{Name: n, Geometry: orb.Point{float64(i), float64(len(n))}}
				if i == 0 {
					fs[i].Attributes = map[string]string{"naam": n}
					fs[i].Geometry = orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 0}}}
				}
			}
			run := okRun(RunLaag, file)
			run.Layer = layer
			if err := s.SaveFeatures(ctx, run, layer, fs); err != nil {
				t.Fatal(err)
			}
			for i, f := range fs {
				if f.ID == 0 || f.RunID != run.ID || f.Layer != layer {
					t.Errorf("feature %d: ID %d, RunID %d, Layer %q not set", i, f.ID, f.RunID, f.Layer)
				}
			}
			return fs
		}
		names := func(fs []Feature) []string {
			var ns []string
			for _, f := range fs {
				ns = append(ns, f.Name)
			}
			sort.Strings(ns)
			return ns
		}
		a := save("ov_halte", "/data/jan/haltes.csv", "a1", "a2", "a3")
		save("ov_halte", "/data/jan/extra.geojson", "b1", "b2")
		n := save("natura2000", "/data/jan/haltes.csv", "n1")
		save("ov_halte", `/elders/haltes.csv`, "c1")

		got, err := s.Features(ctx, "ov_halte")
		if err != nil {
			t.Fatal(err)
		}
		if w := []string{"b1", "b2", "c1"}; !reflect.DeepEqual(names(got), w) {
			t.Errorf("ov_halte features %v, want %v", names(got), w)
		}
		for _, f := range got {
			if f.ID == a[0].ID {
				t.Errorf("feature %d of the replaced file is still there", f.ID)
			}
		}
		nat, err := s.Features(ctx, "natura2000")
		if err != nil {
			t.Fatal(err)
		}
		if len(nat) != 1 || !reflect.DeepEqual(nat[0], n[0]) {
			t.Errorf("natura2000 = %#v, want %#v", nat, n)
		}
		all, err := s.Features(ctx, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 4 {
			t.Errorf("Features(\"\") has %d features, want 4", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i-1].ID >= all[i].ID {
				t.Errorf("features not ordered by id")
			}
		}
		layers, err := s.Layers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if w := []LayerInfo{{"natura2000", 1}, {"ov_halte", 3}}; !reflect.DeepEqual(layers, w) {
			t.Errorf("Layers = %v, want %v", layers, w)
		}
		// A feature without geometry refuses the whole file.
		run := okRun(RunLaag, "haltes.csv")
		err = s.SaveFeatures(ctx, run, "ov_halte", []Feature{{Name: "ok", Geometry: orb.Point{1, 1}}, {Name: "leeg"}})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), `feature 2 ("leeg")`) {
			t.Errorf("SaveFeatures without geometry: %v", err)
		}
		if got2, _ := s.Features(ctx, "ov_halte"); !reflect.DeepEqual(got2, got) {
			t.Errorf("failed SaveFeatures changed features")
		}
	})
}

func TestBoundFilterMatchesBruteForce(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		rng := rand.New(rand.NewSource(1))
		// Whole-metre coordinates are exact in PostGIS' float4 index boxes,
		// so touching boxes are tested exactly.
		coord := func(lo, hi int) float64 { return float64(lo + rng.Intn(hi-lo)) }
		var sites []Site
		for i := 0; i < 400; i++ {
			x, y := coord(0, 1000), coord(0, 1000)
			st := Site{Kind: Kavel, Source: "rnd", SourceRef: fmt.Sprint(i), Gemeente: fmt.Sprintf("GM%04d", i%3)}
			if i%2 == 0 {
				st.Kind = Gebouw
			}
			switch i % 3 {
			case 0:
				st.Geometry = orb.Point{x, y}
			case 1:
				w, h := coord(1, 60), coord(1, 60)
				st.Geometry = orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}}
			default:
				st.Geometry = orb.LineString{{x, y}, {x + coord(1, 40), y - coord(1, 40)}}
			}
			sites = append(sites, st)
		}
		if err := s.SaveSites(ctx, okRun(RunKavels, "rnd.csv"), sites); err != nil {
			t.Fatal(err)
		}
		for q := 0; q < 40; q++ {
			x, y := coord(-50, 1000), coord(-50, 1000)
			bd := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + coord(0, 300), y + coord(0, 300)}}
			f := SiteFilter{Bound: &bd}
			if q%4 == 1 {
				f.Kind = Gebouw
			}
			if q%4 == 2 {
				f.Gemeente = "GM0001"
			}
			var want []string
			for _, st := range sites {
				if st.Geometry.Bound().Intersects(bd) && (f.Kind == "" || f.Kind == st.Kind) && (f.Gemeente == "" || f.Gemeente == st.Gemeente) {
					want = append(want, st.ID)
				}
			}
			sort.Strings(want)
			got, err := s.Sites(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, st := range got {
				ids = append(ids, st.ID)
			}
			if !reflect.DeepEqual(ids, want) {
				t.Errorf("bound %v: got %d sites %v\nwant %d %v", bd, len(ids), ids, len(want), want)
			}
			n, err := s.CountSites(ctx, f)
			if err != nil || n != len(want) {
				t.Errorf("CountSites(bound %v) = %d, %v; want %d", bd, n, err, len(want))
			}
			if len(want) > 3 {
				f.Limit, f.Offset = 2, 1
				page, err := s.Sites(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				if len(page) != 2 || page[0].ID != want[1] || page[1].ID != want[2] {
					t.Errorf("Limit 2 Offset 1: got %d sites, want %v", len(page), want[1:3])
				}
			}
		}
		// Offset without limit, and the centrumgemeente filter.
		rest, err := s.Sites(ctx, SiteFilter{Offset: 395})
		if err != nil || len(rest) != 5 {
			t.Errorf("Offset 395: %d sites, %v; want 5", len(rest), err)
		}
		if n, err := s.CountSites(ctx, SiteFilter{Centrumgemeente: "GM9999"}); err != nil || n != 0 {
			t.Errorf("CountSites(centrumgemeente GM9999) = %d, %v", n, err)
		}
	})
}

func TestAddresses(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		as := []BAGAddress{
			{Address: Address{Straat: "Kerkstraat", Huisnummer: 12, Postcode: "1017GC", Plaats: "Amsterdam"}, Point: orb.Point{121000.5, 487000.25}},
			{Address: Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "A", Postcode: "1017 gc", Plaats: "Amsterdam"}, Point: orb.Point{121001, 487001}},
			{Address: Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "bis", Postcode: "1017GC", Plaats: "Amsterdam"}, Point: orb.Point{121002, 487002}},
			{Address: Address{Straat: "Oudegracht", Huisnummer: 1, Postcode: "3511AA", Plaats: "Utrecht"}, Point: orb.Point{1, 1}},
			// The same address twice in one file: the last one wins.
			{Address: Address{Straat: "Oudegracht", Huisnummer: 1, Postcode: "3511aa", Plaats: "Utrecht"}, Point: orb.Point{136000, 455000}},
		}
		if err := s.SaveAddresses(ctx, okRun(RunAdressen, "bag.csv"), as); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountAddresses(ctx); err != nil || n != 4 {
			t.Errorf("CountAddresses = %d, %v; want 4", n, err)
		}
		for _, tc := range []struct {
			postcode   string
			huisnummer int
			toevoeging string
			want       orb.Point // zero: not found
			wantToev   string
		}{
			{"1017GC", 12, "", orb.Point{121000.5, 487000.25}, ""},
			{"1017 gc", 12, "", orb.Point{121000.5, 487000.25}, ""},
			{"1017GC", 12, "a", orb.Point{121001, 487001}, "A"},
			{"1017GC", 12, " A ", orb.Point{121001, 487001}, "A"},
			{"1017GC", 12, "BIS", orb.Point{121002, 487002}, "bis"},
			{"1017GC", 12, "b", orb.Point{}, ""},
			{"1017GC", 13, "", orb.Point{}, ""},
			{"1017GD", 12, "", orb.Point{}, ""},
			{"3511AA", 1, "", orb.Point{136000, 455000}, ""},
		} {
			got, err := s.LookupAddress(ctx, tc.postcode, tc.huisnummer, tc.toevoeging)
			if tc.want == (orb.Point{}) {
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("LookupAddress(%q, %d, %q) = %v, %v; want ErrNotFound", tc.postcode, tc.huisnummer, tc.toevoeging, got, err)
				}
				continue
			}
			if err != nil {
				t.Errorf("LookupAddress(%q, %d, %q): %v", tc.postcode, tc.huisnummer, tc.toevoeging, err)
				continue
			}
			if got.Point != tc.want || got.Toevoeging != tc.wantToev || got.Postcode != NormalizePostcode(tc.postcode) || got.Huisnummer != tc.huisnummer || got.Straat == "" || got.Plaats == "" {
				t.Errorf("LookupAddress(%q, %d, %q) = %+v; want point %v toevoeging %q", tc.postcode, tc.huisnummer, tc.toevoeging, got, tc.want, tc.wantToev)
			}
		}
		// A new extract updates addresses in place.
		upd := []BAGAddress{{Address: Address{Straat: "Kerkstraat", Huisnummer: 12, Toevoeging: "a", Postcode: "1017GC", Plaats: "Amsterdam"}, Point: orb.Point{7, 8}}}
		if err := s.SaveAddresses(ctx, okRun(RunAdressen, "bag2.csv"), upd); err != nil {
			t.Fatal(err)
		}
		if n, err := s.CountAddresses(ctx); err != nil || n != 4 {
			t.Errorf("CountAddresses after update = %d, %v; want 4", n, err)
		}
		if got, err := s.LookupAddress(ctx, "1017GC", 12, "A"); err != nil || got.Point != (orb.Point{7, 8}) || got.Toevoeging != "a" {
			t.Errorf("after update: %+v, %v", got, err)
		}
		err := s.SaveAddresses(ctx, okRun(RunAdressen, "bad.csv"), []BAGAddress{{Address: Address{Huisnummer: 1}}})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("address without postcode: %v, want ErrInvalid", err)
		}
	})
}

func TestRuns(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		if runs, err := s.Runs(ctx); err != nil || len(runs) != 0 {
			t.Fatalf("Runs on an empty store = %v, %v", runs, err)
		}
		started := time.Date(2025, 1, 2, 3, 4, 5, 678901000, amsterdam)
		dry := &Run{Kind: RunGebouwen, File: "rvb.xlsx", SHA256: "deadbeef", Started: started,
			RowsRead: 10, Imported: 0, Rejected: 3, Status: RunDryRun, Message: "alleen gecontroleerd",
			Errors: []RowError{
				{Row: 12, Column: "Postcode", Value: "12345", Message: "postcode moet 4 cijfers en 2 letters zijn"},
				{Row: 0, Message: "kolom Bouwjaar ontbreekt"},
				{Row: 4, Column: "Oppervlakte", Value: "€ 12", Message: "geen getal"},
			}}
		if err := s.SaveRun(ctx, dry); err != nil {
			t.Fatal(err)
		}
		fin := started.Add(90 * time.Second)
		lay := &Run{Kind: RunLaag, Layer: "ov_halte", File: "haltes.csv", Started: started, Finished: &fin, Status: RunOK, RowsRead: 1, Imported: 1}
		if err := s.SaveFeatures(ctx, lay, "ov_halte", []Feature{{Geometry: orb.Point{1, 2}}}); err != nil {
			t.Fatal(err)
		}
		if dry.ID == 0 || lay.ID <= dry.ID {
			t.Fatalf("run ids %d, %d", dry.ID, lay.ID)
		}
		got, err := s.Run(ctx, dry.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := *dry
		want.Started = started.UTC()
		want.Errors = []RowError{dry.Errors[1], dry.Errors[2], dry.Errors[0]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Run(%d):\n got %#v\nwant %#v", dry.ID, got, want)
		}
		got, err = s.Run(ctx, lay.ID)
		if err != nil {
			t.Fatal(err)
		}
		want = *lay
		want.Started, want.Finished = started.UTC(), ptr(fin.UTC())
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Run(%d):\n got %#v\nwant %#v", lay.ID, got, want)
		}
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(runs) != 2 || runs[0].ID != lay.ID || runs[1].ID != dry.ID || runs[1].Errors != nil || runs[1].Message != dry.Message {
			t.Errorf("Runs = %+v; want newest first without errors", runs)
		}
		if _, err := s.Run(ctx, 999); !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "999") {
			t.Errorf("Run(999) = %v, want ErrNotFound naming 999", err)
		}
		if err := s.SaveRun(ctx, &Run{Kind: RunKavels}); !errors.Is(err, ErrInvalid) {
			t.Errorf("SaveRun without status = %v, want ErrInvalid", err)
		}
	})
}

func TestGeneration(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		gen := func() int64 {
			t.Helper()
			g, err := s.Generation(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return g
		}
		if g := gen(); g != 0 {
			t.Errorf("Generation of an empty store = %d, want 0", g)
		}
		r1 := okRun(RunRegios, "regios.csv")
		if err := s.SaveRegions(ctx, r1, []RegionMember{{Gemeente: "GM0363", Centrumgemeente: "GM0363"}}); err != nil {
			t.Fatal(err)
		}
		if g := gen(); g != r1.ID {
			t.Errorf("Generation = %d, want %d", g, r1.ID)
		}
		for _, status := range []string{RunDryRun, RunRefused, RunFailed} {
			if err := s.SaveRun(ctx, &Run{Kind: RunKavels, Status: status}); err != nil {
				t.Fatal(err)
			}
		}
		if g := gen(); g != r1.ID {
			t.Errorf("Generation after runs that wrote nothing = %d, want %d", g, r1.ID)
		}
		r2 := okRun(RunKavels, "k.csv")
		if err := s.SaveSites(ctx, r2, testSites()[:1]); err != nil {
			t.Fatal(err)
		}
		if g := gen(); g != r2.ID || g <= r1.ID {
			t.Errorf("Generation = %d, want %d", g, r2.ID)
		}
	})
}

func TestGemeentenAndRegions(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		sq := func(x, y float64) orb.Polygon {
			return orb.Polygon{{{x, y}, {x + 1000, y}, {x + 1000, y + 1000}, {x, y + 1000}, {x, y}}}
		}
		gs := []Gemeente{
			{Code: "GM0599", Name: "Rotterdam", ProvincieCode: "PV28", ProvincieNaam: "Zuid-Holland", Geometry: orb.MultiPolygon{sq(0, 0), sq(5000, 0)}},
			{Code: "GM0363", Name: "Amsterdam", ProvincieCode: "PV27", ProvincieNaam: "Noord-Holland", Geometry: sq(100000, 400000)},
		}
		if err := s.SaveGemeenten(ctx, okRun(RunGemeenten, "gemeenten.geojson"), gs); err != nil {
			t.Fatal(err)
		}
		got, err := s.Gemeenten(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if w := []Gemeente{gs[1], gs[0]}; !reflect.DeepEqual(got, w) {
			t.Errorf("Gemeenten:\n got %#v\nwant %#v", got, w)
		}
		// Replace all.
		if err := s.SaveGemeenten(ctx, okRun(RunGemeenten, "gemeenten.geojson"), gs[:1]); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Gemeenten(ctx); err != nil || !reflect.DeepEqual(got, gs[:1]) {
			t.Errorf("Gemeenten after replace = %v, %v", got, err)
		}
		err = s.SaveGemeenten(ctx, okRun(RunGemeenten, "dup.geojson"), []Gemeente{gs[0], gs[0]})
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "GM0599 appears twice") {
			t.Errorf("duplicate gemeente: %v", err)
		}

		rs := []RegionMember{
			{Gemeente: "GM0599", GemeenteNaam: "Rotterdam", Centrumgemeente: "GM0599", CentrumgemeenteNaam: "Rotterdam", Confidence: "hoog"},
			{Gemeente: "GM0489", GemeenteNaam: "Barendrecht", Centrumgemeente: "GM0599", CentrumgemeenteNaam: "Rotterdam", Confidence: "middel", Note: "volgens regiovisie"},
		}
		if err := s.SaveRegions(ctx, okRun(RunRegios, "regios.csv"), rs); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Regions(ctx); err != nil || !reflect.DeepEqual(got, []RegionMember{rs[1], rs[0]}) {
			t.Errorf("Regions = %v, %v", got, err)
		}
		if err := s.SaveRegions(ctx, okRun(RunRegios, "regios.csv"), rs[1:]); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Regions(ctx); err != nil || !reflect.DeepEqual(got, rs[1:]) {
			t.Errorf("Regions after replace = %v, %v", got, err)
		}
		err = s.SaveRegions(ctx, okRun(RunRegios, "regios.csv"), []RegionMember{{Gemeente: "GM0001"}})
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("region without centrumgemeente: %v", err)
		}
	})
}

func TestReopenKeepsDataAndMigrationsOnce(t *testing.T) {
	for _, db := range testDBs() {
		t.Run(db.name, func(t *testing.T) {
			ctx := context.Background()
			dsn, reopenable := db.dsn(t)
			if !reopenable {
				t.Skip("an in-memory database cannot be reopened")
			}
			s, err := Open(ctx, dsn)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.SaveSites(ctx, okRun(RunGebouwen, "a.csv"), testSites()); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				s := openTest(t, dsn)
				if n, err := s.CountSites(ctx, SiteFilter{}); err != nil || n != len(testSites()) {
					t.Errorf("reopen %d: CountSites = %d, %v", i, n, err)
				}
				ms, err := loadMigrations(s.Backend())
				if err != nil {
					t.Fatal(err)
				}
				latest := ms[len(ms)-1].version
				v, err := s.SchemaVersion(ctx)
				if err != nil || v != latest {
					t.Errorf("reopen %d: SchemaVersion = %d, %v; want %d", i, v, err, latest)
				}
				var n int
				if err := s.DB().GetContext(ctx, &n, "SELECT COUNT(*) FROM schema_migrations"); err != nil || n != len(ms) {
					t.Errorf("reopen %d: %d schema_migrations rows, %v; want one per migration (%d)", i, n, err, len(ms))
				}
			}
		})
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	t.Run("default file", func(t *testing.T) {
		t.Chdir(t.TempDir())
		s := openTest(t, "")
		if s.Backend() != BackendSQLite {
			t.Errorf("Backend = %q", s.Backend())
		}
		if _, err := os.Stat(DefaultPath); err != nil {
			t.Errorf("default database file: %v", err)
		}
		var mode string
		if err := s.DB().GetContext(ctx, &mode, "PRAGMA journal_mode"); err != nil || mode != "wal" {
			t.Errorf("journal_mode = %q, %v; want wal", mode, err)
		}
		var fk int
		if err := s.DB().GetContext(ctx, &fk, "PRAGMA foreign_keys"); err != nil || fk != 1 {
			t.Errorf("foreign_keys = %d, %v; want 1", fk, err)
		}
	})
	t.Run("memory is private", func(t *testing.T) {
		a, b := openTest(t, ":memory:"), openTest(t, ":memory:")
		if err := a.SaveSites(ctx, okRun(RunKavels, "k.csv"), testSites()); err != nil {
			t.Fatal(err)
		}
		if n, err := b.CountSites(ctx, SiteFilter{}); err != nil || n != 0 {
			t.Errorf("second in-memory store sees %d sites, %v", n, err)
		}
		if n, err := a.CountSites(ctx, SiteFilter{}); err != nil || n != len(testSites()) {
			t.Errorf("in-memory store: CountSites = %d, %v", n, err)
		}
	})
	t.Run("missing folder", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope", "x.db")
		_, err := Open(ctx, path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("Open(%q) = %v, want an error naming the file", path, err)
		}
	})
	t.Run("postgres unreachable", func(t *testing.T) {
		c, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, err := Open(c, "postgres://u:geheim@127.0.0.1:1/x?sslmode=disable&connect_timeout=5")
		if err == nil || strings.Contains(err.Error(), "geheim") || !strings.Contains(err.Error(), "127.0.0.1:1") {
			t.Errorf("Open(unreachable) = %v; want an error naming the server but not the password", err)
		}
	})
}

func TestRedact(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://u:pw@h:5432/db?sslmode=disable": "postgres://u:xxxxx@h:5432/db?sslmode=disable",
		"postgresql://u@h/db":                       "postgresql://u@h/db",
		"postgres://h/db":                           "postgres://h/db",
		"plain.db":                                  "plain.db",
	} {
		if got := redact(in); got != want {
			t.Errorf("redact(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNormalizePostcode(t *testing.T) {
	for in, want := range map[string]string{
		"1234AB": "1234AB", "1234 ab": "1234AB", " 1234\tAb ": "1234AB", "": "",
	} {
		if got := NormalizePostcode(in); got != want {
			t.Errorf("NormalizePostcode(%q) = %q, want %q", in, got, want)
		}
	}
}
