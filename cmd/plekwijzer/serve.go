package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/plekwijzer/plekwijzer/api"
	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/store"
)

type serveOptions struct {
	addr         string
	token        string
	protectReads bool
	scoring      scoringFlags
	demo         bool
	// refresh is how often serve asks the database whether a new import
	// landed (by this process, the CLI or another replica).
	refresh time.Duration
	// catalog is where the site collections and context layers are read
	// from: "geheugen" (the default, the snapshot in memory) or "postgis"
	// (straight from the database, see api.PostGISCatalog).
	catalog string
}

func runServe(ctx context.Context, e env) error {
	fs, db := newFlags(e, "serve", "[--addr :8080]")
	var o serveOptions
	fs.StringVar(&o.addr, "addr", envOr("PLEKWIJZER_ADDR", ":8080"), "address to listen on")
	fs.StringVar(&o.token, "token", envOr("PLEKWIJZER_TOKEN", ""), "bearer token for writes such as POST /imports (env PLEKWIJZER_TOKEN); none: writes are refused")
	fs.BoolVar(&o.protectReads, "alleen-met-token", false, "require the token for reads too")
	fs.DurationVar(&o.refresh, "ververs", 2*time.Second, "how often to look for new imports in the database (replicas on one PostgreSQL database show a new import within this time plus the rebuild)")
	fs.StringVar(&o.catalog, "catalogus", "geheugen", "where gebouwen, kavels and laag-* are read from: geheugen (the snapshot in memory) or postgis (straight from a postgres:// --db)")
	o.scoring.register(fs)
	if _, err := parseArgs(fs, e.args); err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := importers.ImportDefaults(ctx, st); err != nil {
		return err
	}
	return serve(ctx, e, st, o)
}

func serve(ctx context.Context, e env, st *store.Store, o serveOptions) error {
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	switch o.catalog {
	case "", "geheugen":
	case "postgis":
		if st.Backend() != store.BackendPostGIS {
			return fmt.Errorf("--catalogus postgis werkt alleen met een PostgreSQL-database (--db postgres://...)")
		}
	default:
		return fmt.Errorf("onbekende --catalogus %q: kies geheugen of postgis", o.catalog)
	}
	sc, err := o.scoring.setup()
	if err != nil {
		return err
	}
	dom, err := api.NewDomain(ctx, st, sc, log)
	if err != nil {
		return err
	}
	desc := ""
	if o.demo {
		desc = "DEMO: the vacant buildings, plots and context layers are SYNTHETIC (made up, marked [SYNTHETISCH]); the municipalities and regions are real open data (CBS / Kadaster, PDOK, CC BY 4.0)."
	}
	refresh := o.refresh
	if refresh <= 0 {
		refresh = 2 * time.Second
	}
	var cat api.Catalog = dom.Catalog()
	if o.catalog == "postgis" {
		pg, err := api.NewPostGISCatalog(ctx, st.DB().DB)
		if err != nil {
			return err
		}
		go pg.Watch(ctx, refresh, func(err error) { log.Error("refresh postgis catalog", "err", err) })
		cat = api.NewMultiCatalog(pg, dom.Catalog())
	}
	srv, err := api.New(cat, api.Config{
		Addr: o.addr, Token: o.token, ProtectReads: o.protectReads, Logger: log, Description: desc,
	})
	if err != nil {
		return err
	}
	dom.Register(srv)
	go dom.Watch(ctx, refresh)
	base := "http://" + displayAddr(o.addr)
	fmt.Fprintf(e.stderr, "plekwijzer: serving %d sites on %s/ (OGC API - Features; QGIS/GDAL: OAPIF)\n", len(dom.Snapshot().Sites), base)
	fmt.Fprintf(e.stderr, "plekwijzer: map for advisers: %s/kaart\n", base)
	return srv.Run(ctx)
}

func displayAddr(addr string) string {
	if len(addr) > 0 && addr[0] == ':' {
		return "localhost" + addr
	}
	return addr
}
