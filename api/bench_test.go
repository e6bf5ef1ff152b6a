package api

import (
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// benchTable is n point sites spread over a 100 km square around Utrecht,
// with typed columns over plain slices (as the snapshot's tables read the
// store's sites), seeded.
func benchTable(n int) (Table, []orb.Point) {
	r := rand.New(rand.NewPCG(42, uint64(n)))
	pts := make([]orb.Point, n)
	ids := make([]string, n)
	gem := make([]string, n)
	score := make([]float64, n)
	codes := []string{"GM0344", "GM0363", "GM0518", "GM0599", "GM0307"}
	for i := range pts {
		pts[i] = orb.Point{105000 + r.Float64()*100000, 405000 + r.Float64()*100000}
		ids[i] = fmt.Sprintf("k%012x", i)
		gem[i] = codes[r.IntN(len(codes))]
		score[i] = r.Float64() * 100
	}
	t := Table{
		Collection: Collection{ID: "kavels", Title: "bench", Properties: []Property{
			{Name: "gemeente", Type: TypeString}, {Name: "score", Type: TypeNumber}, {Name: "eligible", Type: TypeBoolean},
		}},
		Len:      n,
		ID:       func(row int) string { return ids[row] },
		Geometry: func(row int) orb.Geometry { return pts[row] },
		Columns: []Column{
			StringColumn("gemeente", func(row int) string { return gem[row] }),
			NumberColumn("score", func(row int) (float64, bool) { return score[row], true }),
			BoolColumn("eligible", func(row int) bool { return score[row] > 20 }),
		},
	}
	return t, pts
}

// BenchmarkItems measures items requests through the whole handler (parse,
// catalog, GeoJSON) at 10k and 1M sites, and the plain scan of every
// feature that the catalog's R-tree replaces, in the same run.
func BenchmarkItems(b *testing.B) {
	for _, n := range []int{10_000, 1_000_000} {
		tbl, pts := benchTable(n)
		srv, err := New(NewMemoryCatalog(tbl), Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		h := srv.Handler()
		// 5 km boxes at the centre: about 0.25% of the square.
		box := orb.Bound{Min: orb.Point{152500, 452500}, Max: orb.Point{157500, 457500}}
		ll, ur := geo.RDToWGS84(box.Min), geo.RDToWGS84(box.Max)
		targets := map[string]string{
			"bbox-rd":     fmt.Sprintf("/collections/kavels/items?limit=100&bbox-crs=EPSG:28992&bbox=%g,%g,%g,%g", box.Min[0], box.Min[1], box.Max[0], box.Max[1]),
			"bbox-crs84":  fmt.Sprintf("/collections/kavels/items?limit=100&bbox=%.6f,%.6f,%.6f,%.6f", ll[0], ll[1], ur[0], ur[1]),
			"cql2-bbox":   fmt.Sprintf("/collections/kavels/items?limit=100&bbox=%.6f,%.6f,%.6f,%.6f&filter=score%%20%%3E%%2050%%20AND%%20gemeente%%20%%3D%%20%%27GM0344%%27", ll[0], ll[1], ur[0], ur[1]),
			"sortby-page": "/collections/kavels/items?limit=100&sortby=-score&gemeente=GM0363",
			"item":        "/collections/kavels/items/" + fmt.Sprintf("k%012x", n/2),
		}
		for _, name := range []string{"bbox-rd", "bbox-crs84", "cql2-bbox", "sortby-page", "item"} {
			target := targets[name]
			b.Run(fmt.Sprintf("%s/sites=%d", name, n), func(b *testing.B) {
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
					if rec.Code != http.StatusOK {
						b.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
					}
				}
			})
		}
		b.Run(fmt.Sprintf("plain-scan-bbox/sites=%d", n), func(b *testing.B) {
			for b.Loop() {
				matched := 0
				for _, p := range pts {
					if geo.Intersects(p, box) {
						matched++
					}
				}
				_ = matched
			}
		})
	}
}
