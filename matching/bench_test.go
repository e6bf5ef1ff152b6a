package matching

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// benchScene: sites and layers over the RD box, 70% clustered around 40
// "cities" (Gaussian, sigma 6 km) and 30% uniform; 60k OV stops, 30k
// amenities (supermarkt, huisarts, school, voorziening), 2k zone polygons
// of 7 area kinds (squares of 0.4-4 km). Half the sites are gebouwen with a
// 10-50 m footprint polygon, half kavels (points).
func benchScene(nSites int) ([]store.Site, []store.Feature) {
	rng := rand.New(rand.NewPCG(20240601, 1))
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
	var fs []store.Feature
	id := int64(0)
	add := func(layer string, g orb.Geometry, attrs map[string]string) {
		id++
		fs = append(fs, store.Feature{ID: id, Layer: layer, Name: fmt.Sprintf("%s %d", layer, id), Geometry: g, Attributes: attrs})
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
		c := pt()
		half := 200 + rng.Float64()*1800
		attrs := map[string]string{"lden": fmt.Sprint(50 + rng.IntN(20)), "waterdiepte": "0.4", "status": []string{"rood", "oranje", "groen"}[rng.IntN(3)]}
		add(zones[i%len(zones)], square(c[0], c[1], half), attrs)
	}
	owners := []string{"RVB", "gemeente", "particulier", ""}
	funcs := []string{"kantoorfunctie", "industriefunctie", "onderwijsfunctie", ""}
	sites := make([]store.Site, nSites)
	for i := range sites {
		p := pt()
		s := store.Site{ID: fmt.Sprintf("s%07d", i), Geometry: p, Centrumgemeente: fmt.Sprintf("GM%04d", rng.IntN(43)), Owner: owners[rng.IntN(4)]}
		if i%2 == 0 {
			s.Kind, s.AreaM2, s.AreaKind = store.Kavel, fp(500+rng.Float64()*20000), store.AreaPlot
		} else {
			s.Kind, s.AreaM2, s.AreaKind = store.Gebouw, fp(100+rng.Float64()*10000), store.AreaBVO
			s.Function = funcs[rng.IntN(4)]
			y := 1900 + rng.IntN(125)
			s.ConstructionYear = &y
			s.Geometry = square(p[0], p[1], 5+rng.Float64()*20)
		}
		sites[i] = s
	}
	return sites, fs
}

// cpuTime is the user+system CPU time of the process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScore scores every site for both uses (both default profiles,
// applied to gebouwen and kavels alike so that each site is scored twice)
// with Engine.ScoreCompact, ranking included; one op = 2 × n scorings.
// Metrics, all per site for both uses:
//   - ns/site (wall) and cpu-ns/site (process CPU time of one extra run,
//     robust when the machine is shared), B/site allocated;
//   - naive/fast, naive/fast-cpu: the same scoring with plain per-lookup
//     R-tree queries (no grid, no locality hint) divided by the fast path;
//   - top1000-ms, top1000-cpu-ms: explaining the top 1,000 per region of
//     both uses (CompactSet.Top + Explain);
//   - full-cpu-ns/site, full-B/site: Engine.Score, which explains every site.
func BenchmarkScore(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			sites, fs := benchScene(n)
			profiles := bothKindsProfiles(b)
			e := NewEngine(fs, Options{})
			ctx := context.Background()
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, err := e.ScoreCompact(ctx, sites, profiles...); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			elapsed := b.Elapsed()
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(b.N)/float64(n), "ns/site")
			measure := func(f func()) (wall, cpu time.Duration, bytes uint64) {
				runtime.GC()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				c0, t0 := cpuTime(), time.Now()
				f()
				wall, cpu = time.Since(t0), cpuTime()-c0
				runtime.ReadMemStats(&m1)
				return wall, cpu, m1.TotalAlloc - m0.TotalAlloc
			}
			var sets []*CompactSet
			compact := func() {
				var err error
				if sets, err = e.ScoreCompact(ctx, sites, profiles...); err != nil {
					b.Fatal(err)
				}
			}
			fastWall, fastCPU, bytes := measure(compact)
			b.ReportMetric(float64(bytes)/float64(n), "B/site")
			b.ReportMetric(float64(fastCPU.Nanoseconds())/float64(n), "cpu-ns/site")
			e.naive = true
			naiveWall, naiveCPU, _ := measure(compact)
			e.naive = false
			b.ReportMetric(float64(naiveWall)/float64(fastWall), "naive/fast")
			b.ReportMetric(float64(naiveCPU)/float64(fastCPU), "naive/fast-cpu")
			compact()
			topWall, topCPU, _ := measure(func() {
				for _, s := range sets {
					_ = s.Explain(s.Top(1000))
				}
			})
			b.ReportMetric(float64(topWall.Microseconds())/1000, "top1000-ms")
			b.ReportMetric(float64(topCPU.Microseconds())/1000, "top1000-cpu-ms")
			sets = nil
			_, fullCPU, fullBytes := measure(func() {
				if _, err := e.Score(ctx, sites, profiles...); err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(fullCPU.Nanoseconds())/float64(n), "full-cpu-ns/site")
			b.ReportMetric(float64(fullBytes)/float64(n), "full-B/site")
		})
	}
}

// BenchmarkScoreCompactOnly is the plain op loop of ScoreCompact at 100k
// and 1M sites, for profiling (-cpuprofile) without BenchmarkScore's extra
// runs.
func BenchmarkScoreCompactOnly(b *testing.B) {
	for _, n := range []int{100_000, 1_000_000} {
		b.Run(fmt.Sprintf("sites=%d", n), func(b *testing.B) {
			sites, fs := benchScene(n)
			profiles := bothKindsProfiles(b)
			e := NewEngine(fs, Options{})
			ctx := context.Background()
			runtime.GC()
			b.ReportAllocs()
			b.ResetTimer()
			c0 := cpuTime()
			for i := 0; i < b.N; i++ {
				if _, err := e.ScoreCompact(ctx, sites, profiles...); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((cpuTime()-c0).Nanoseconds())/float64(b.N)/float64(len(sites)), "cpu-ns/site")
		})
	}
}

// bothKindsProfiles returns the two default profiles, each applied to both
// site kinds, so that one benchmark op scores every site for both uses.
func bothKindsProfiles(b *testing.B) []*Profile {
	b.Helper()
	profiles, err := DefaultProfiles()
	if err != nil {
		b.Fatal(err)
	}
	for _, p := range profiles {
		p.SiteKinds = []store.SiteKind{store.Kavel, store.Gebouw}
	}
	return profiles
}
