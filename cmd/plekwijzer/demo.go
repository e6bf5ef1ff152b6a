package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/internal/sample"
	"github.com/plekwijzer/plekwijzer/store"
)

// demoSeed fixes the synthetic sample, so every demo shows the same sites.
const demoSeed = 20261125

func runDemo(ctx context.Context, e env) error {
	fs, _ := newFlags(e, "demo", "[--addr :8080]")
	addr := fs.String("addr", envOr("PLEKWIJZER_ADDR", ":8080"), "address to listen on")
	scale := fs.Float64("scale", 1, "size of the synthetic sample (1 = about 2,500 gebouwen and 1,750 kavels)")
	if _, err := parseArgs(fs, e.args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "plekwijzer-demo-")
	if err != nil {
		return fmt.Errorf("demo: temporary folder: %w", err)
	}
	defer os.RemoveAll(dir)
	st, err := openStore(ctx, filepath.Join(dir, "demo.db"))
	if err != nil {
		return err
	}
	defer st.Close()
	if err := loadDemo(ctx, e, st, dir, *scale); err != nil {
		return err
	}
	fmt.Fprintln(e.stderr, "DEMO: the vacant buildings, plots and context layers are SYNTHETIC (made up);")
	fmt.Fprintln(e.stderr, "      the municipalities and regions are real open data (CBS / Kadaster, PDOK, CC BY 4.0).")
	return serve(ctx, e, st, serveOptions{addr: *addr, demo: true})
}

// loadDemo fills st with the embedded municipalities and regions and a
// synthetic sample, imported through the same importers as real files.
func loadDemo(ctx context.Context, e env, st *store.Store, dir string, scale float64) error {
	if err := importers.ImportDefaults(ctx, st); err != nil {
		return fmt.Errorf("demo: load embedded municipalities and regions: %w", err)
	}
	gemeenten, err := st.Gemeenten(ctx)
	if err != nil {
		return err
	}
	regions, err := st.Regions(ctx)
	if err != nil {
		return err
	}
	centra := map[string]bool{}
	for _, r := range regions {
		centra[r.Centrumgemeente] = true
	}
	files, err := sample.Generate(ctx, dir, gemeenten, centra, sample.Options{Seed: demoSeed, Scale: scale})
	if err != nil {
		return err
	}
	for _, f := range files {
		opts := importers.Options{Kind: f.Kind, Layer: f.Layer, Source: sample.Source}
		r, err := importers.Import(ctx, st, f.Path, opts)
		if err != nil {
			return fmt.Errorf("demo: import %s: %w", filepath.Base(f.Path), err)
		}
		if r.Rejected > 0 {
			printRun(e.stderr, *r, 5)
			return fmt.Errorf("demo: the synthetic %s has %d rejected rows: this is a bug in plekwijzer", filepath.Base(f.Path), r.Rejected)
		}
		fmt.Fprintf(e.stderr, "demo: %-18s %6d rows (synthetic)\n", filepath.Base(f.Path), r.Imported)
	}
	return nil
}
