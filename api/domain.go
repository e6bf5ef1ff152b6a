package api

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// Domain serves plekwijzer's own endpoints beside OGC API - Features: region
// summaries, one site with both uses explained, rescoring with adjusted
// weights, and imports over HTTP. It owns the snapshot behind the catalog
// and rebuilds it when the store changes.
type Domain struct {
	st      *store.Store
	scoring Scoring
	cat     *MemoryCatalog
	snap    atomic.Pointer[Snapshot]
	mu      sync.Mutex // serialises rebuilds and imports
	log     *slog.Logger
}

// NewDomain builds the first snapshot from st.
func NewDomain(ctx context.Context, st *store.Store, sc Scoring, log *slog.Logger) (*Domain, error) {
	if log == nil {
		log = slog.Default()
	}
	d := &Domain{st: st, scoring: sc, cat: NewMemoryCatalog(), log: log}
	if err := d.rebuild(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// Catalog is the catalog the OGC API server reads; it changes with every rebuild.
func (d *Domain) Catalog() *MemoryCatalog { return d.cat }

// Snapshot returns the current snapshot.
func (d *Domain) Snapshot() *Snapshot { return d.snap.Load() }

func (d *Domain) rebuild(ctx context.Context) error {
	start := time.Now()
	snap, err := BuildSnapshot(ctx, d.st, d.scoring)
	if err != nil {
		return err
	}
	d.snap.Store(snap)
	d.cat.Replace(snap.Tables...)
	// Reading and scoring a national inventory leaves as much garbage as
	// the snapshot keeps; hand it back now rather than at the next GC, so
	// that the resident size at ready is what the snapshot holds.
	debug.FreeOSMemory()
	d.log.Info("snapshot built", "generation", snap.Generation, "sites", len(snap.Sites), "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// Refresh rebuilds the snapshot when the store has changed since it was built.
func (d *Domain) Refresh(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	gen, err := d.st.Generation(ctx)
	if err != nil {
		return err
	}
	if gen == d.snap.Load().Generation {
		return nil
	}
	return d.rebuild(ctx)
}

// Watch calls Refresh every interval until ctx ends, so imports made with
// the CLI against the same database show up without a restart.
func (d *Domain) Watch(ctx context.Context, every time.Duration) {
	poll(ctx, every, d.Refresh, func(err error) { d.log.Error("refresh snapshot", "err", err) })
}

// poll calls refresh every interval until ctx ends, passing its errors to
// report (nil: dropped); an error caused by ctx ending is not reported.
func poll(ctx context.Context, every time.Duration, refresh func(context.Context) error, report func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := refresh(ctx); err != nil && ctx.Err() == nil && report != nil {
				report(err)
			}
		}
	}
}

// Register adds the domain routes to s.
func (d *Domain) Register(s *Server) {
	e := s.Echo()
	e.GET("/regios", d.handleRegions)
	e.GET("/regios/:code", d.handleRegion)
	e.GET("/regios/:code/gevoeligheid", d.handleSensitivity)
	e.GET("/locaties/:id", d.handleSite)
	e.GET("/locaties/:id/score", d.handleRescore)
	e.GET("/locaties/:id/businesscase", d.handleBusinessCase)
	e.POST("/imports", d.handleImport)
	s.DocumentPaths(domainPaths())
}

func (d *Domain) handleRegions(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, map[string]any{"regios": d.snap.Load().Regions, "bron": dataCredit})
}

func (d *Domain) handleRegion(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	code := strings.ToUpper(c.Param("code"))
	for _, r := range d.snap.Load().Regions {
		if r.Centrumgemeente == code {
			return c.JSON(http.StatusOK, r)
		}
	}
	return notFound("no centrumgemeente region %q: use a CBS code such as GM0344 (see /regios)", c.Param("code"))
}

// siteView is one site, as a GeoJSON feature in CRS84 with the same
// properties as in the gebouwen and kavels collections, with its score for
// each use.
type siteView struct {
	Site   featureJSON                      `json:"locatie"`
	Scores map[matching.Use]matching.Result `json:"scores"`
}

func (d *Domain) handleSite(c echo.Context) error {
	if err := checkParams(c); err != nil {
		return err
	}
	snap := d.snap.Load()
	s, idx, ok := snap.Site(c.Param("id"))
	if !ok {
		return notFound("no site with id %q", c.Param("id"))
	}
	f := Feature{ID: s.ID, Geometry: s.Geometry, Properties: siteProps(s, regionNames(snap.Members, nil))}
	v := siteView{Site: toFeatureJSON(&f, geo.CRS84), Scores: map[matching.Use]matching.Result{}}
	for use := range snap.Sets {
		if r, ok := snap.Result(use, idx); ok {
			v.Scores[use] = r
		}
	}
	return c.JSON(http.StatusOK, v)
}

// handleRescore scores one site with adjusted weights, leaving the stored
// profile untouched: /locaties/{id}/score?gebruik=flex&gewichten=ov_halte:20,huisarts:5
func (d *Domain) handleRescore(c echo.Context) error {
	snap := d.snap.Load()
	s, _, ok := snap.Site(c.Param("id"))
	if !ok {
		return notFound("no site with id %q", c.Param("id"))
	}
	for name := range c.QueryParams() {
		if name != "gebruik" && name != "gewichten" {
			return paramError(name, "unknown parameter; use gebruik and gewichten")
		}
	}
	use, err := siteUse(c.QueryParam("gebruik"), s.Kind)
	if err != nil {
		return err
	}
	base, ok := snap.Profiles[use]
	if !ok {
		return paramError("gebruik", "no profile scores %s", use)
	}
	prof, err := adjustWeights(base, c.QueryParam("gewichten"))
	if err != nil {
		return err
	}
	sets, err := snap.Engine.Score(c.Request().Context(), []store.Site{*s}, prof)
	if err != nil {
		return fmt.Errorf("rescore %s: %w", s.ID, err)
	}
	if len(sets) == 0 || len(sets[0].Results) == 0 {
		return paramError("gebruik", "profile %s does not score a %s", prof.Name, s.Kind)
	}
	r := sets[0].Results[0]
	r.RankInRegion = 0 // a rank needs the whole region scored with the same weights
	return c.JSON(http.StatusOK, r)
}

// adjustWeights returns a copy of p with the weights named in spec
// ("name:weight,name:weight") replaced; p itself is not changed.
func adjustWeights(p *matching.Profile, spec string) (*matching.Profile, error) {
	weights := map[string]float64{}
	if spec != "" {
		for _, part := range strings.Split(spec, ",") {
			name, val, ok := strings.Cut(strings.TrimSpace(part), ":")
			if !ok {
				return nil, paramError("gewichten", "%q: write criterion:weight, e.g. afstand_ov:20", part)
			}
			w, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
			if err != nil || math.IsNaN(w) || w < 0 || w > 1000 {
				return nil, paramError("gewichten", "weight %q of %s must be a number from 0 to 1000", val, name)
			}
			weights[strings.TrimSpace(name)] = w
		}
	}
	known := make([]string, 0, len(p.Criteria))
	for _, c := range p.Criteria {
		known = append(known, c.Name)
	}
	for name := range weights {
		if !slices.Contains(known, name) {
			return nil, paramError("gewichten", "profile %s has no criterion %q; it has %s", p.Name, name, strings.Join(known, ", "))
		}
	}
	q, err := p.WithWeights(weights)
	if err != nil {
		return nil, paramError("gewichten", "%v", err)
	}
	return q, nil
}

// handleImport imports an uploaded file (multipart field "file") as a run,
// like `plekwijzer import`, and rebuilds the snapshot. Form fields: soort
// (gebouwen, kavels, adressen, laag, gemeenten, regios), laag, crs, sheet,
// bron, strict, dry_run.
func (d *Domain) handleImport(c echo.Context) error {
	for name := range c.QueryParams() {
		return paramError(name, "unknown query parameter; send the import as multipart form fields")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return paramError("file", "send the inventory as multipart form field \"file\": %v", err)
	}
	opts := importers.Options{
		Kind:   store.RunKind(c.FormValue("soort")),
		Layer:  c.FormValue("laag"),
		Sheet:  c.FormValue("sheet"),
		Source: c.FormValue("bron"),
	}
	if opts.Kind == "" {
		return paramError("soort", "missing: gebouwen, kavels, adressen, laag, gemeenten or regios")
	}
	for _, b := range []struct {
		name string
		dst  *bool
	}{{"strict", &opts.Strict}, {"dry_run", &opts.DryRun}} {
		if v := c.FormValue(b.name); v != "" {
			if *b.dst, err = strconv.ParseBool(v); err != nil {
				return paramError(b.name, "%q is not true or false", v)
			}
		}
	}
	if v := c.FormValue("crs"); v != "" {
		if opts.CRS, err = geo.ParseDataCRS(v); err != nil {
			return paramError("crs", "%q: use EPSG:28992 or EPSG:4326", v)
		}
	}
	dir, err := os.MkdirTemp("", "plekwijzer-upload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, filepath.Base(fh.Filename))
	if err := saveUpload(fh, path); err != nil {
		return fmt.Errorf("save upload %s: %w", fh.Filename, err)
	}
	ctx := c.Request().Context()
	d.mu.Lock()
	defer d.mu.Unlock()
	if opts.Kind != store.RunGemeenten && opts.Kind != store.RunRegios {
		if err := importers.ImportDefaults(ctx, d.st); err != nil {
			return err
		}
	}
	run, err := importers.Import(ctx, d.st, path, opts)
	if run == nil {
		var oe error
		if errors.Is(err, importers.ErrOptions) {
			// With a known soort, the options error is about the laag field.
			field := "soort"
			switch opts.Kind {
			case store.RunGebouwen, store.RunKavels, store.RunAdressen, store.RunLaag, store.RunGemeenten, store.RunRegios:
				field = "laag"
			}
			oe = paramError(field, "%v", err)
		} else {
			oe = &Problem{Status: http.StatusUnprocessableEntity, Title: "Import failed", Detail: err.Error()}
		}
		return oe
	}
	if run.Status == store.RunOK {
		if err := d.rebuild(ctx); err != nil {
			return err
		}
	}
	status := http.StatusCreated
	switch run.Status {
	case store.RunDryRun:
		status = http.StatusOK
	case store.RunRefused, store.RunFailed:
		status = http.StatusUnprocessableEntity
	}
	return c.JSON(status, run)
}

func saveUpload(fh *multipart.FileHeader, path string) error {
	src, err := fh.Open()
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
