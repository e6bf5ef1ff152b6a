package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// benchSites returns n kavels and gebouwen as an import stores them: a
// point, a name, a reference, an area, gemeente and centrumgemeente.
func benchSites(n int) []store.Site {
	r := rand.New(rand.NewPCG(9, uint64(n)))
	codes := []string{"GM0344", "GM0363", "GM0518", "GM0599", "GM0307"}
	sites := make([]store.Site, n)
	for i := range sites {
		kind := store.Kavel
		if i%2 == 1 {
			kind = store.Gebouw
		}
		area := 500 + r.Float64()*5000
		g := codes[r.IntN(len(codes))]
		ref := fmt.Sprintf("B-%07d", i)
		sites[i] = store.Site{
			ID: store.SiteID(kind, "bench", ref), Kind: kind, Source: "bench", SourceRef: ref,
			Name: fmt.Sprintf("Locatie %d", i), Geometry: orb.Point{105000 + r.Float64()*100000, 405000 + r.Float64()*100000},
			AreaM2: &area, AreaKind: store.AreaBVO, Gemeente: g, Centrumgemeente: g,
		}
		if kind == store.Kavel {
			sites[i].AreaKind = store.AreaPlot
		}
	}
	slicesSortSites(sites)
	return sites
}

// BenchmarkSnapshotMemory reports the heap the server keeps per site
// beyond the sites themselves: compact scores of both uses, the tables,
// their R-trees and row orders, at 100k sites.
func BenchmarkSnapshotMemory(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		sites := benchSites(n)
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		profiles, err := matching.DefaultProfiles()
		if err != nil {
			b.Fatal(err)
		}
		engine := matching.NewEngine(nil, matching.Options{ReferenceDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		sets, err := engine.ScoreCompact(context.Background(), sites, profiles...)
		if err != nil {
			b.Fatal(err)
		}
		engine.ReleaseScratch()
		snap := &Snapshot{Sites: sites, Sets: map[matching.Use]*matching.CompactSet{}}
		for _, s := range sets {
			snap.Sets[s.Use] = s
		}
		var tables []Table
		for _, k := range []struct {
			kind store.SiteKind
			use  matching.Use
		}{{store.Gebouw, matching.Transformatie}, {store.Kavel, matching.Flex}} {
			rows := sitesOfKind(sites, k.kind)
			st := siteTable(string(k.kind), "", "", k.kind, sites, rows, names{})
			ct := candidateTable("k-"+string(k.kind), "", "", snap.Sets[k.use], sites, names{})
			if sameRows(snap.Sets[k.use], rows) {
				ct.Index = st.Index
			}
			tables = append(tables, st, ct)
		}
		cat := NewMemoryCatalog(tables...)
		for _, s := range sets {
			s.EntryOfSite(0)
		}
		runtime.GC()
		var after runtime.MemStats
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapInuse-before.HeapInuse)/n, "B/site-beyond-sites")
		b.ReportMetric(float64(before.HeapInuse)/n, "B/site-of-sites")
		runtime.KeepAlive(cat)
		runtime.KeepAlive(sites)
	}
}

func slicesSortSites(sites []store.Site) {
	slices.SortFunc(sites, func(a, b store.Site) int { return strings.Compare(a.ID, b.ID) })
}
