package store

import (
	"context"
	"fmt"
	"math/rand"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb"
)

// benchSites returns n random sites in RD New with a fixed seed.
func benchSites(n int) []Site {
	rng := rand.New(rand.NewSource(42))
	sites := make([]Site, n)
	for i := range sites {
		x, y := 13000+rng.Float64()*265000, 306000+rng.Float64()*330000
		w, h := 10+rng.Float64()*90, 10+rng.Float64()*90
		area := w * h
		sites[i] = Site{
			Kind: Kavel, Source: "bench", SourceRef: fmt.Sprint("K", i), Name: fmt.Sprint("Kavel ", i),
			Address:  Address{Straat: "Benchstraat", Huisnummer: i%200 + 1, Postcode: "1234AB", Plaats: "Ergens"},
			Geometry: orb.Polygon{{{x, y}, {x + w, y}, {x + w, y + h}, {x, y + h}, {x, y}}},
			AreaM2:   &area, AreaKind: AreaPlot, Gemeente: fmt.Sprintf("GM%04d", i%340),
			Attributes: map[string]string{"eigenaar": "gemeente", "nr": fmt.Sprint(i)},
		}
	}
	return sites
}

func benchStore(b *testing.B) *Store {
	b.Helper()
	s, err := Open(context.Background(), filepath.Join(b.TempDir(), "bench.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// BenchmarkSaveSites10k inserts 10k new sites into an empty SQLite file.
func BenchmarkSaveSites10k(b *testing.B) {
	ctx := context.Background()
	sites := benchSites(10000)
	for b.Loop() {
		b.StopTimer()
		s := benchStore(b)
		b.StartTimer()
		if err := s.SaveSites(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, sites); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveSites10kUpsert re-imports 10k existing sites (all updates).
func BenchmarkSaveSites10kUpsert(b *testing.B) {
	ctx := context.Background()
	sites := benchSites(10000)
	s := benchStore(b)
	if err := s.SaveSites(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, sites); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := s.SaveSites(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, sites); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSaveAddresses100k imports a 100k-address BAG extract into SQLite.
func BenchmarkSaveAddresses100k(b *testing.B) {
	ctx := context.Background()
	rng := rand.New(rand.NewSource(7))
	as := make([]BAGAddress, 100000)
	for i := range as {
		as[i] = BAGAddress{
			Address: Address{Straat: "Straat", Huisnummer: i%500 + 1, Postcode: fmt.Sprintf("%04dAB", 1000+i/500), Plaats: "Plaats"},
			Point:   orb.Point{rng.Float64() * 280000, 300000 + rng.Float64()*330000},
		}
	}
	for b.Loop() {
		b.StopTimer()
		s := benchStore(b)
		b.StartTimer()
		if err := s.SaveAddresses(ctx, &Run{Kind: RunAdressen, File: "bag.csv", Status: RunOK}, as); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSitesBound reads the sites in a 10 km square out of 10k.
func BenchmarkSitesBound(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	if err := s.SaveSites(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, benchSites(10000)); err != nil {
		b.Fatal(err)
	}
	bd := orb.Bound{Min: orb.Point{120000, 480000}, Max: orb.Point{130000, 490000}}
	for b.Loop() {
		if _, err := s.Sites(ctx, SiteFilter{Bound: &bd}); err != nil {
			b.Fatal(err)
		}
	}
}
