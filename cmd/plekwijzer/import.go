package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/store"
)

// maxShownErrors is how many row errors an import prints; `runs show` prints all.
const maxShownErrors = 20

var importKinds = map[string]store.RunKind{
	"gebouwen":  store.RunGebouwen,
	"kavels":    store.RunKavels,
	"adressen":  store.RunAdressen,
	"laag":      store.RunLaag,
	"gemeenten": store.RunGemeenten,
	"regios":    store.RunRegios,
}

func runImport(ctx context.Context, e env) error {
	fs, db := newFlags(e, "import", "gebouwen|kavels|adressen|laag|gemeenten|regios FILE [flags]")
	mapping := fs.String("mapping", "", "column mapping file (YAML or JSON) for columns plekwijzer does not recognise")
	crs := fs.String("crs", "", "coordinate system of the file: EPSG:28992 (RD New) or EPSG:4326 (WGS84), also EPSG:4258 (ETRS89) and EPSG:7415 (RD New + NAP); default: detected")
	sheet := fs.String("sheet", "", "XLSX sheet or GeoPackage layer to read (default: the first)")
	soort := fs.String("soort", "", "for laag: the layer kind, e.g. ov_halte, supermarkt, huisarts, natura2000, geluid, or your own")
	bron := fs.String("bron", "", "source name stored with the sites (default: from the file name)")
	buffer := fs.Float64("buffer", 0, "for laag: buffer in metres around line features (default per kind)")
	strict := fs.Bool("strict", false, "refuse the whole file when any row is bad")
	dryRun := fs.Bool("dry-run", false, "validate only; store nothing but the run report")
	pos, err := parseArgs(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return usageError{"need a kind and a FILE, e.g. `plekwijzer import gebouwen rvb-leegstand.csv`"}
	}
	kind, ok := importKinds[pos[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown kind %q: use one of %s", pos[0], strings.Join(sortedKeys(importKinds), ", "))}
	}
	opts := importers.Options{
		Kind: kind, Layer: *soort, Source: *bron, Sheet: *sheet, Buffer: *buffer,
		Strict: *strict, DryRun: *dryRun,
	}
	if kind == store.RunLaag && opts.Layer == "" {
		return usageError{"laag needs --soort KIND, e.g. --soort ov_halte"}
	}
	if *crs != "" {
		c, err := geo.ParseDataCRS(*crs)
		if err != nil {
			return usageError{fmt.Sprintf("--crs: %v", err)}
		}
		opts.CRS = c
	}
	if *mapping != "" {
		m, err := importers.LoadMapping(*mapping)
		if err != nil {
			return err
		}
		opts.Mapping = m
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if kind != store.RunGemeenten && kind != store.RunRegios {
		if err := importers.ImportDefaults(ctx, st); err != nil {
			return err
		}
	}
	opts.Progress = importers.NewProgress(e.stderr, e.isTerminal)
	r, err := importers.Import(ctx, st, pos[1], opts)
	if r != nil {
		printRun(e.stdout, *r, maxShownErrors)
		if err != nil {
			return reportedError{err} // the run summary above says what went wrong
		}
	}
	if err != nil {
		return err
	}
	if r.Rejected > 0 || r.Status == store.RunRefused {
		return rejectedError{r.Rejected}
	}
	return nil
}

// printRun writes a run summary and at most maxErrors of its row errors
// (all when maxErrors < 0).
func printRun(w io.Writer, r store.Run, maxErrors int) {
	what := string(r.Kind)
	if r.Layer != "" {
		what += " (" + r.Layer + ")"
	}
	fmt.Fprintf(w, "Run %d: %s from %s\n", r.ID, what, r.File)
	fmt.Fprintf(w, "  status:   %s\n", r.Status)
	fmt.Fprintf(w, "  rows:     %d read, %d imported, %d rejected\n", r.RowsRead, r.Imported, r.Rejected)
	fmt.Fprintf(w, "  started:  %s\n", r.Started.Local().Format("2006-01-02 15:04:05"))
	if r.Finished != nil {
		fmt.Fprintf(w, "  finished: %s (%s)\n", r.Finished.Local().Format("2006-01-02 15:04:05"), r.Finished.Sub(r.Started).Round(1e6))
	}
	if r.SHA256 != "" {
		fmt.Fprintf(w, "  sha256:   %s\n", r.SHA256)
	}
	if r.Message != "" && !(len(r.Errors) == 1 && r.Errors[0].Row == 0 && r.Errors[0].Message == r.Message) {
		fmt.Fprintf(w, "  message:  %s\n", r.Message)
	}
	if len(r.Errors) == 0 {
		return
	}
	shown := r.Errors
	if maxErrors >= 0 && len(shown) > maxErrors {
		shown = shown[:maxErrors]
		fmt.Fprintf(w, "Problems (first %d of %d; all of them: plekwijzer runs show %d):\n", maxErrors, len(r.Errors), r.ID)
	} else {
		fmt.Fprintf(w, "Problems (%d):\n", len(r.Errors))
	}
	for _, re := range shown {
		fmt.Fprintf(w, "  %s\n", formatRowError(filepath.Base(r.File), re))
	}
}

// formatRowError says where a problem is in the user's own terms:
// file, row, column and value.
func formatRowError(file string, re store.RowError) string {
	if re.Row == 0 && re.Column == "" && strings.HasPrefix(re.Message, file+":") {
		return re.Message // a file-level message that names the file itself
	}
	var b strings.Builder
	b.WriteString(file)
	if re.Row > 0 {
		fmt.Fprintf(&b, ", row %d", re.Row)
	}
	if re.Column != "" {
		fmt.Fprintf(&b, ", column %q", re.Column)
	}
	if re.Value != "" {
		fmt.Fprintf(&b, ", value %q", re.Value)
	}
	b.WriteString(": ")
	b.WriteString(re.Message)
	return b.String()
}
