package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
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

// saveSitesMultiRow is the write path SaveSites had before SiteWriter: 250-row
// upserts through batchInserter in the pool's default settings (2 MB page
// cache), indexes maintained row by row. Kept here as the baseline of
// BenchmarkSiteWriter.
func saveSitesMultiRow(ctx context.Context, s *Store, run *Run, sites []Site) error {
	cols := append(append([]string{}, siteColumns...), bboxColumns...)
	return s.saveWithRun(ctx, run, "sites", func(tx *sqlx.Tx, runID int64) error {
		b := newBatchInserter(tx, "INSERT INTO sites ("+strings.Join(cols, ", ")+")",
			"("+strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")+")",
			"ON CONFLICT (kind, source, source_ref) DO UPDATE SET "+upsertSet(cols), len(cols))
		defer b.close()
		args := make([]any, 0, len(cols))
		for i := range sites {
			st := sites[i]
			g, err := encodeGeom(st.Geometry)
			if err != nil {
				return err
			}
			attrs, err := encodeAttrs(st.Attributes)
			if err != nil {
				return err
			}
			st.ID, st.UpdatedAt = SiteID(st.Kind, st.Source, st.SourceRef), time.Now()
			if err := b.add(ctx, s.siteArgs(args[:0], &st, g, attrs, runID)...); err != nil {
				return err
			}
		}
		return b.flush(ctx)
	})
}

// BenchmarkSiteWriter loads 100k sites into an empty SQLite file (and, as
// "upsert", again over themselves): the multi-row path SaveSites had before
// (baseline) against SiteWriter with 1, 16 and 64 rows per prepared INSERT.
// Compare the ns/op of one run; the ratio is the figure.
func BenchmarkSiteWriter(b *testing.B) {
	ctx := context.Background()
	sites := benchSites(100000)
	write := func(s *Store, rows int) error {
		w, err := s.newSiteWriter(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, len(sites), rows)
		if err != nil {
			return err
		}
		for i := range sites {
			st := sites[i]
			if err := w.Write(&st); err != nil {
				w.Rollback()
				return err
			}
		}
		return w.Commit()
	}
	paths := []struct {
		name string
		save func(s *Store) error
	}{
		{"baseline-multirow250", func(s *Store) error {
			return saveSitesMultiRow(ctx, s, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, sites)
		}},
		{"writer-rows1", func(s *Store) error { return write(s, 1) }},
		{"writer-rows16", func(s *Store) error { return write(s, 16) }},
		{"writer-rows64", func(s *Store) error { return write(s, 64) }},
	}
	for _, p := range paths {
		b.Run(p.name+"/empty", func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := benchStore(b)
				b.StartTimer()
				if err := p.save(s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(sites))*float64(b.N)/b.Elapsed().Seconds(), "sites/s")
		})
		b.Run(p.name+"/upsert", func(b *testing.B) {
			s := benchStore(b)
			if err := p.save(s); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if err := p.save(s); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(sites))*float64(b.N)/b.Elapsed().Seconds(), "sites/s")
		})
	}
}

// BenchmarkReadSites reads 100k sites: Sites (typed scan, fast WKB) against
// the sqlx StructScan of every row it replaced (baseline).
func BenchmarkReadSites(b *testing.B) {
	ctx := context.Background()
	s := benchStore(b)
	if err := s.SaveSites(ctx, &Run{Kind: RunKavels, File: "bench.csv", Status: RunOK}, benchSites(100000)); err != nil {
		b.Fatal(err)
	}
	b.Run("baseline-structscan", func(b *testing.B) {
		for b.Loop() {
			if n, err := readSitesStructScan(ctx, s); err != nil || n != 100000 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("sites", func(b *testing.B) {
		for b.Loop() {
			if sites, err := s.Sites(ctx, SiteFilter{}); err != nil || len(sites) != 100000 {
				b.Fatal(len(sites), err)
			}
		}
	})
	b.Run("eachsite", func(b *testing.B) {
		for b.Loop() {
			n := 0
			if err := s.EachSite(ctx, SiteFilter{}, func(*Site) error { n++; return nil }); err != nil || n != 100000 {
				b.Fatal(n, err)
			}
		}
	})
}

// readSitesStructScan is the read path Sites had before: sqlx StructScan
// into a tagged struct and orb's WKB decoder, per row.
func readSitesStructScan(ctx context.Context, s *Store) (int, error) {
	type siteRow struct {
		ID               string          `db:"id"`
		Kind             string          `db:"kind"`
		Source           string          `db:"source"`
		SourceRef        string          `db:"source_ref"`
		Name             string          `db:"name"`
		Straat           string          `db:"straat"`
		Huisnummer       int             `db:"huisnummer"`
		Toevoeging       string          `db:"toevoeging"`
		Postcode         string          `db:"postcode"`
		Plaats           string          `db:"plaats"`
		Geom             []byte          `db:"geom"`
		AreaM2           sql.NullFloat64 `db:"area_m2"`
		AreaKind         string          `db:"area_kind"`
		Function         string          `db:"function"`
		ConstructionYear sql.NullInt64   `db:"construction_year"`
		Monument         string          `db:"monument"`
		Status           string          `db:"status"`
		Owner            string          `db:"owner"`
		AvailableFrom    dbTime          `db:"available_from"`
		AvailableUntil   dbTime          `db:"available_until"`
		Gemeente         string          `db:"gemeente"`
		Centrumgemeente  string          `db:"centrumgemeente"`
		Attributes       []byte          `db:"attributes"`
		RunID            int64           `db:"run_id"`
		UpdatedAt        dbTime          `db:"updated_at"`
	}
	rows, err := s.db.QueryxContext(ctx, "SELECT "+s.siteSelect()+" FROM sites ORDER BY id")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var sites []Site
	for rows.Next() {
		var r siteRow
		if err := rows.StructScan(&r); err != nil {
			return 0, err
		}
		g, err := decodeGeom(r.Geom)
		if err != nil {
			return 0, err
		}
		attrs, err := decodeAttrs(r.Attributes)
		if err != nil {
			return 0, err
		}
		sites = append(sites, Site{ID: r.ID, Kind: SiteKind(r.Kind), Source: r.Source, SourceRef: r.SourceRef, Name: r.Name,
			Geometry: g, Attributes: attrs, Gemeente: r.Gemeente, UpdatedAt: r.UpdatedAt.Time})
	}
	return len(sites), rows.Err()
}
