package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/plekwijzer/plekwijzer/internal/bench"
)

// runBench is `plekwijzer bench`: the benchmark harness of issue 8 (see
// package internal/bench).
func runBench(ctx context.Context, e env) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: plekwijzer bench [--sizes 10000,100000,1000000] [--pg DSN] [--check] [flags]\n\n"+
			"Generates scenes with fixed seeds, drives this repository's binary (import, score, serve, API load)\n"+
			"and runs the reference workload in the engine and in PostGIS. Only 127.0.0.1 is loaded.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	sizes := fs.String("sizes", "10000,100000,1000000", "scene sizes (sites), comma separated")
	seed := fs.Uint64("seed", 8, "generator seed")
	pg := fs.String("pg", os.Getenv("PLEKWIJZER_TEST_PG"), "PostGIS URL for the reference workload (default PLEKWIJZER_TEST_PG); empty: skip it")
	check := fs.Bool("check", false, "CI: 10k sites, engine against PostGIS; exit 1 when the top 100 per gemeente differ (never checks timing)")
	workDir := fs.String("dir", "", "work directory for scenes and databases (default: a temporary one, removed afterwards)")
	binary := fs.String("binary", "", "plekwijzer binary to drive (default: go build ./cmd/plekwijzer of the module in the current directory)")
	out := fs.String("o", "BENCHMARKS.md", "markdown file whose <!-- bench:start --> ... <!-- bench:end --> section is replaced; empty: print only")
	conns := fs.Int("connections", 32, "API load: concurrent connections")
	dur := fs.Duration("duration", 20*time.Second, "API load: duration per request kind")
	timeout := fs.Duration("timeout", 10*time.Second, "API load: the longest one request may take (counted as an error); each kind stops after duration + timeout at the latest")
	engineRuns := fs.Int("engine-runs", 3, "how often the engine scores the reference workload (the fastest run counts)")
	jsonOut := fs.String("json", "", "also write the results (without the rankings) as JSON to FILE")
	cpuProf := fs.String("cpuprofile", "", "write a CPU profile of the in-process engine scoring to FILE-<sites>")
	var c bench.Config
	fs.BoolVar(&c.SkipImport, "skip-import", false, "skip import (and with it score and serve)")
	fs.BoolVar(&c.SkipGPKG, "skip-gpkg", false, "skip the GeoPackage import")
	fs.BoolVar(&c.SkipScore, "skip-score", false, "skip score")
	fs.BoolVar(&c.SkipServe, "skip-serve", false, "skip serve (and the API load)")
	fs.BoolVar(&c.SkipAPI, "skip-api", false, "skip the API load")
	fs.BoolVar(&c.SkipBinary, "skip-binary", false, "skip everything that runs the binary: only the engine and PostGIS")
	if _, err := parseArgs(fs, e.args); err != nil {
		return err
	}
	if *check {
		if *pg == "" {
			return usageError{"--check needs --pg DSN (or PLEKWIJZER_TEST_PG)"}
		}
		if err := bench.Check(ctx, *pg, *seed, 10_000, e.stdout); err != nil {
			return err
		}
		return nil
	}
	for _, s := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return usageError{fmt.Sprintf("--sizes: %q is not a positive number of sites", s)}
		}
		c.Sizes = append(c.Sizes, n)
	}
	c.Seed, c.PG, c.Binary, c.CPUProfile = *seed, *pg, *binary, *cpuProf
	c.EngineRuns = *engineRuns
	c.Load = bench.LoadOptions{Connections: *conns, Duration: *dur, Timeout: *timeout}
	c.Log = e.stderr
	c.WorkDir = *workDir
	if c.WorkDir == "" {
		d, err := os.MkdirTemp("", "plekwijzer-bench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		c.WorkDir = d
	} else if err := os.MkdirAll(c.WorkDir, 0o755); err != nil {
		return err
	}
	if c.Binary == "" && !c.SkipBinary {
		dir, err := moduleDir(ctx)
		if err != nil {
			return err
		}
		c.ModuleDir = dir
	}
	started := time.Now()
	rs, err := bench.Run(ctx, c)
	if len(rs) > 0 {
		section := bench.Report(rs, c, bench.ThisMachine(), started)
		fmt.Fprintln(e.stdout, section)
		if *out != "" {
			if werr := bench.WriteSection(*out, section); werr != nil {
				return werr
			}
		}
		if *jsonOut != "" {
			b, jerr := json.MarshalIndent(rs, "", "  ")
			if jerr == nil {
				jerr = os.WriteFile(*jsonOut, b, 0o644)
			}
			if jerr != nil {
				return fmt.Errorf("write %s: %w", *jsonOut, jerr)
			}
		}
	}
	if err != nil {
		return err
	}
	for _, r := range rs {
		if len(r.Diffs) > 0 {
			return reportedError{fmt.Errorf("engine and PostGIS differ at %d sites", r.Sites)}
		}
	}
	return nil
}

// moduleDir is the directory of the main module around the current directory.
func moduleDir(ctx context.Context) (string, error) {
	b, err := exec.CommandContext(ctx, "go", "list", "-m", "-f", "{{.Dir}}").Output()
	if err != nil {
		return "", fmt.Errorf("find the plekwijzer module to build (run bench from the repository, or pass --binary): %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
