package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// BenchmarkScoreCommand is `plekwijzer score` without printing: read the
// store, score both uses (compact), summarise, store the compact scores.
// The store is generated once (seeded): PLEKWIJZER_BENCH_SITES sites
// (default 100,000; half kavels, half gebouwen, clustered around 40
// cities), 60k OV stops, 30k amenities and 2k zone polygons. With
// PLEKWIJZER_BENCH_DB set to a SQLite path or a postgres:// URL the store
// is kept there and reused when it already holds the sites (a 1M-site
// store takes minutes to write).
//
// Metrics per op: read-ms (read-sites-ms of it: the site read), score-ms
// (both uses, ranks), summarize-ms, write-ms (SaveScoreSets) and
// B/row-written: the growth of the database file per stored score (SQLite
// files only, first op).
func BenchmarkScoreCommand(b *testing.B) {
	n := 100_000
	if v := os.Getenv("PLEKWIJZER_BENCH_SITES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil {
			b.Fatalf("PLEKWIJZER_BENCH_SITES=%q: %v", v, err)
		}
	}
	ctx := context.Background()
	dsn := os.Getenv("PLEKWIJZER_BENCH_DB")
	if dsn == "" {
		dsn = filepath.Join(b.TempDir(), "bench.db")
	}
	st, err := store.Open(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	have, err := st.CountSites(ctx, store.SiteFilter{})
	if err != nil {
		b.Fatal(err)
	}
	if have != n {
		if have != 0 {
			b.Fatalf("%s holds %d sites, want %d: use an empty or a matching store", dsn, have, n)
		}
		t0 := time.Now()
		if err := writeBenchStore(ctx, st, n); err != nil {
			b.Fatal(err)
		}
		b.Logf("generated %d sites in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	var sizeBefore int64
	if fi, err := os.Stat(dsn); err == nil {
		sizeBefore = fi.Size()
	}
	var read, readSites, score, summarize, write time.Duration
	rows := 0
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := matching.ScoreStoreCompact(ctx, st, matching.Setup{})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		sets := out.ScoreSets()
		if err := st.SaveScoreSets(ctx, out.Generation, out.Scored, sets...); err != nil {
			b.Fatal(err)
		}
		write += time.Since(t0)
		d := out.Durations
		read, readSites, score, summarize = read+d.Read, readSites+d.ReadSites, score+d.Score, summarize+d.Summarize
		if i == 0 {
			for _, s := range sets {
				rows += s.Len
			}
			if fi, err := os.Stat(dsn); err == nil && sizeBefore > 0 {
				b.ReportMetric(float64(fi.Size()-sizeBefore)/float64(rows), "B/row-written")
			}
		}
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(read), "read-ms")
	b.ReportMetric(ms(readSites), "read-sites-ms")
	b.ReportMetric(ms(score), "score-ms")
	b.ReportMetric(ms(summarize), "summarize-ms")
	b.ReportMetric(ms(write), "write-ms")
}

// writeBenchStore writes the generated sites and context layers.
func writeBenchStore(ctx context.Context, st *store.Store, n int) error {
	rng := rand.New(rand.NewPCG(20261201, 1))
	cities := make([]orb.Point, 40)
	for i := range cities {
		cities[i] = orb.Point{30000 + rng.Float64()*230000, 330000 + rng.Float64()*260000}
	}
	pt := func() orb.Point {
		if rng.Float64() < 0.7 {
			c := cities[rng.IntN(len(cities))]
			return orb.Point{c[0] + rng.NormFloat64()*6000, c[1] + rng.NormFloat64()*6000}
		}
		return orb.Point{13000 + rng.Float64()*265000, 306000 + rng.Float64()*310000}
	}
	square := func(c orb.Point, half float64) orb.Polygon {
		return orb.Polygon{{{c[0] - half, c[1] - half}, {c[0] + half, c[1] - half}, {c[0] + half, c[1] + half}, {c[0] - half, c[1] + half}, {c[0] - half, c[1] - half}}}
	}
	fin := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	run := func(kind store.RunKind, layer string) *store.Run {
		return &store.Run{Kind: kind, Layer: layer, File: "bench", SHA256: "bench", Started: fin, Finished: &fin, Status: store.RunOK}
	}
	layers := map[string][]store.Feature{}
	id := int64(0)
	add := func(layer string, g orb.Geometry, attrs map[string]string) {
		id++
		layers[layer] = append(layers[layer], store.Feature{Layer: layer, Name: fmt.Sprintf("%s %d", layer, id), Geometry: g, Attributes: attrs})
	}
	for i := 0; i < 60000; i++ {
		add("ov_halte", pt(), nil)
	}
	amen := []string{"supermarkt", "huisarts", "school", "voorziening"}
	for i := 0; i < 30000; i++ {
		add(amen[i%4], pt(), nil)
	}
	zones := []string{"natura2000", "geluid", "overstroming", "bodem", "industrie", "netcongestie", "hoogspanning"}
	for i := 0; i < 2000; i++ {
		attrs := map[string]string{"lden": fmt.Sprint(50 + rng.IntN(20)), "waterdiepte": "0.4", "status": []string{"rood", "oranje", "groen"}[rng.IntN(3)]}
		add(zones[i%len(zones)], square(pt(), 200+rng.Float64()*1800), attrs)
	}
	for layer, fs := range layers {
		if err := st.SaveFeatures(ctx, run(store.RunLaag, layer), layer, fs); err != nil {
			return err
		}
	}
	owners := []string{"RVB", "gemeente", "particulier", ""}
	funcs := []string{"kantoorfunctie", "industriefunctie", "onderwijsfunctie", ""}
	fp := func(f float64) *float64 { return &f }
	const batch = 100_000
	for lo := 0; lo < n; lo += batch {
		sites := make([]store.Site, 0, min(batch, n-lo))
		for i := lo; i < min(lo+batch, n); i++ {
			p := pt()
			s := store.Site{Source: "bench", SourceRef: fmt.Sprintf("b%07d", i), Geometry: p,
				Gemeente: fmt.Sprintf("GM%04d", rng.IntN(43)), Owner: owners[rng.IntN(4)]}
			s.Centrumgemeente = s.Gemeente
			if i%2 == 0 {
				s.Kind, s.AreaM2, s.AreaKind = store.Kavel, fp(500+rng.Float64()*20000), store.AreaPlot
			} else {
				s.Kind, s.AreaM2, s.AreaKind = store.Gebouw, fp(100+rng.Float64()*10000), store.AreaBVO
				s.Function = funcs[rng.IntN(4)]
				y := 1900 + rng.IntN(125)
				s.ConstructionYear = &y
				s.Geometry = square(p, 5+rng.Float64()*20)
			}
			sites = append(sites, s)
		}
		kind := store.RunKavels
		if err := st.SaveSites(ctx, run(kind, ""), sites); err != nil {
			return err
		}
	}
	return nil
}
