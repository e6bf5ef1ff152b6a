// Package bench is the benchmark harness of issue 8 (`plekwijzer bench`).
//
// It generates deterministic scenes (sites clustered in the real
// municipalities of package data, OV stops, amenities and exclusion
// polygons; see Generate), writes them as CSV and GeoPackage, and drives
// the built plekwijzer binary as subprocesses: import (rows/s), score
// (seconds), serve (time to /readyz, RSS from /proc) and a bounded loopback
// load generator against the API (Load). It runs the reference workload
// in matching's engine in-process and, given a DSN, in PostGIS, checks
// that both give the same top 100 per gemeente (Compare), and writes the
// figures with the machine and date into BENCHMARKS.md (WriteSection).
//
// The package imports neither api nor cmd: it talks to the binary.
package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"
)

// Config is one harness run.
type Config struct {
	Sizes   []int
	Seed    uint64
	WorkDir string // where scenes and databases go (required)
	// Binary is the plekwijzer binary to drive; empty means build
	// ./cmd/plekwijzer of ModuleDir into WorkDir.
	Binary    string
	ModuleDir string
	PG        string // PostGIS DSN for the reference workload; "" skips it
	// Steps to skip: SkipBinary skips everything that runs the binary,
	// SkipImport also skips score and serve, SkipServe also the API load.
	SkipBinary, SkipImport, SkipGPKG, SkipScore, SkipServe, SkipAPI bool
	// Load bounds the API load of each request kind.
	Load LoadOptions
	// EngineRuns is how often the engine scores (fastest counts; default 3).
	EngineRuns int
	// CPUProfile, when set, receives a CPU profile of the in-process engine
	// scoring (files CPUProfile-<size>).
	CPUProfile string
	// ReadyWait bounds the wait for serve's /readyz (default 15 min).
	ReadyWait time.Duration
	Log       io.Writer
}

// SizeResult holds the figures for one scene size.
type SizeResult struct {
	Sites    int
	Hash     string // SHA-256 of the CSV files
	Generate time.Duration

	Engine *EngineResult
	PG     *PGResult
	Diffs  []string // engine vs PostGIS top-100 differences

	Layers     []ImportResult
	CSV, GPKG  []ImportResult // site imports
	GPKGNote   string         // why GeoPackage was skipped
	Score      *ProcResult
	ReadyAfter time.Duration
	RSSReady   int64
	RSSLoad    int64 // highest VmRSS sampled under load
	HWM        int64 // VmHWM at the end
	API        []APIResult
}

// APIResult is one kind of request under load.
type APIResult struct {
	Kind string
	// Features is the mean number of features per answer (collections only).
	Features float64
	LoadResult
}

// sitesPerSecond sums rows imported over time taken.
func sitesPerSecond(rs []ImportResult) float64 {
	var n int
	var d time.Duration
	for _, r := range rs {
		n += r.Imported
		d += r.Elapsed
	}
	if d <= 0 {
		return 0
	}
	return float64(n) / d.Seconds()
}

func (c *Config) logf(format string, a ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "bench: "+format+"\n", a...)
	}
}

// Run runs the harness for every size and returns the results. A
// difference between engine and PostGIS is recorded in SizeResult.Diffs,
// not returned as an error (see Check).
func Run(ctx context.Context, c Config) ([]SizeResult, error) {
	if c.WorkDir == "" {
		return nil, fmt.Errorf("bench: no work directory")
	}
	if c.ReadyWait == 0 {
		c.ReadyWait = 15 * time.Minute
	}
	if c.EngineRuns == 0 {
		c.EngineRuns = 3
	}
	gs, err := EmbeddedGemeenten()
	if err != nil {
		return nil, err
	}
	bin := c.Binary
	if bin == "" && !c.SkipBinary {
		c.logf("go build -o %s/plekwijzer ./cmd/plekwijzer", c.WorkDir)
		if bin, err = BuildBinary(ctx, c.ModuleDir, c.WorkDir); err != nil {
			return nil, err
		}
	}
	var out []SizeResult
	for _, n := range c.Sizes {
		r, err := c.runSize(ctx, gs, bin, n)
		if err != nil {
			return out, fmt.Errorf("bench %d sites: %w", n, err)
		}
		out = append(out, *r)
	}
	return out, nil
}

func (c *Config) runSize(ctx context.Context, gs []Gemeente, bin string, n int) (*SizeResult, error) {
	dir := filepath.Join(c.WorkDir, fmt.Sprintf("sites-%d", n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	r := &SizeResult{Sites: n}
	t0 := time.Now()
	sc, err := Generate(ctx, gs, SceneOptions{Seed: c.Seed, Sites: n})
	if err != nil {
		return nil, err
	}
	files, err := sc.WriteCSV(ctx, dir)
	if err != nil {
		return nil, err
	}
	r.Generate = time.Since(t0)
	if r.Hash, err = HashFiles(files); err != nil {
		return nil, err
	}
	c.logf("%d sites: scene generated in %s (sha256 %s…)", n, r.Generate.Round(time.Millisecond), r.Hash[:12])

	if err := c.engine(ctx, sc, r); err != nil {
		return nil, err
	}
	if c.PG != "" {
		c.logf("%d sites: PostGIS load and reference query", n)
		if r.PG, err = RunPostGIS(ctx, c.PG, sc, false); err != nil {
			return nil, err
		}
		r.Diffs = Compare(r.PG.Ranking, r.Engine.Ranking, Tolerance, 20)
		c.logf("%d sites: PostGIS load %s, query %s; engine %s; %d differences", n,
			r.PG.Load.Round(time.Millisecond), r.PG.Query.Round(time.Millisecond), r.Engine.Score.Round(time.Microsecond), len(r.Diffs))
	}
	if bin == "" {
		return r, nil
	}
	db := filepath.Join(dir, "plekwijzer.db")
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suf)
	}
	if !c.SkipImport {
		for _, f := range files {
			ir, err := importFile(ctx, bin, db, f)
			if err != nil {
				return nil, err
			}
			c.logf("%d sites: import %s: %d rows in %s", n, ir.File, ir.Imported, ir.Elapsed.Round(time.Millisecond))
			if f.Kind == "laag" {
				r.Layers = append(r.Layers, ir)
			} else {
				r.CSV = append(r.CSV, ir)
			}
		}
	}
	if !c.SkipGPKG {
		if err := c.gpkg(ctx, sc, bin, dir, files, r); err != nil {
			return nil, err
		}
	}
	if !c.SkipScore && !c.SkipImport {
		c.logf("%d sites: score", n)
		pr, err := runBinary(ctx, bin, "score", "--db", db)
		if err != nil {
			return nil, err
		}
		r.Score = &pr
		c.logf("%d sites: score took %s", n, pr.Elapsed.Round(time.Millisecond))
	}
	if !c.SkipServe && !c.SkipImport {
		if err := c.serve(ctx, sc, bin, db, dir, r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

func (c *Config) engine(ctx context.Context, sc *Scene, r *SizeResult) error {
	if c.CPUProfile != "" {
		f, err := os.Create(fmt.Sprintf("%s-%d", c.CPUProfile, len(sc.Sites)))
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	er, err := RunEngine(ctx, sc, c.EngineRuns)
	if err != nil {
		return err
	}
	r.Engine = er
	return nil
}

func (c *Config) gpkg(ctx context.Context, sc *Scene, bin, dir string, csvFiles []File, r *SizeResult) error {
	if !HaveOGR() {
		r.GPKGNote = "GeoPackage skipped: GDAL's ogr2ogr is not installed"
		c.logf("%d sites: %s", len(sc.Sites), r.GPKGNote)
		return nil
	}
	files, err := sc.WriteGPKG(ctx, dir)
	if err != nil {
		return err
	}
	db := filepath.Join(dir, "gpkg.db")
	for _, suf := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suf)
	}
	// A small layer first, so that the embedded gemeenten are loaded
	// before the timed imports, as in the CSV database.
	for _, f := range csvFiles {
		if f.Layer == LayerNatura {
			if _, err := importFile(ctx, bin, db, f); err != nil {
				return err
			}
		}
	}
	for _, f := range files {
		ir, err := importFile(ctx, bin, db, f)
		if err != nil {
			return err
		}
		c.logf("%d sites: import %s: %d rows in %s", len(sc.Sites), ir.File, ir.Imported, ir.Elapsed.Round(time.Millisecond))
		r.GPKG = append(r.GPKG, ir)
	}
	os.Remove(db)
	return nil
}

// Check runs the CI smoke: a scene of n sites, the reference workload in
// the engine and in PostGIS, and an error listing the differences when
// the top 100 per gemeente differ. It never looks at timing.
func Check(ctx context.Context, dsn string, seed uint64, n int, log io.Writer) error {
	gs, err := EmbeddedGemeenten()
	if err != nil {
		return err
	}
	sc, err := Generate(ctx, gs, SceneOptions{Seed: seed, Sites: n})
	if err != nil {
		return err
	}
	er, err := RunEngine(ctx, sc, 1)
	if err != nil {
		return err
	}
	pr, err := RunPostGIS(ctx, dsn, sc, false)
	if err != nil {
		return err
	}
	diffs := Compare(pr.Ranking, er.Ranking, Tolerance, 20)
	fmt.Fprintf(log, "bench --check: %d sites, seed %d: engine %s, PostGIS %s\n", n, seed, er.Ranking.summary(), pr.Ranking.summary())
	if len(diffs) > 0 {
		return fmt.Errorf("engine and PostGIS differ in the top %d per gemeente:\n  %s", TopN, strings.Join(diffs, "\n  "))
	}
	fmt.Fprintf(log, "bench --check: engine and PostGIS agree on the top %d of every gemeente (scores within %g)\n", TopN, Tolerance)
	return nil
}
