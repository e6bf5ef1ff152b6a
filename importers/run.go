package importers

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/plekwijzer/plekwijzer/data"
	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// pointLayers are the built-in context layer kinds made of points. Any
// other geometry is reduced to a point inside it.
var pointLayers = map[string]bool{
	"ov_halte": true, "supermarkt": true, "huisarts": true, "school": true, "voorziening": true,
}

// areaLayers are the built-in context layer kinds made of areas, with the
// default buffer (metres) applied to lines delivered for them. Hoogspanning:
// 215 m each side, the outer end of the 380 kV magneetveldzone (0.4 µT) of
// about 115-215 m that RIVM gives, used when the zone itself is not
// delivered (docs/criteria.md, KO-F2). The other kinds have no default: a
// line needs --buffer.
var areaLayers = map[string]float64{
	"geluid": 0, "overstroming": 0, "natura2000": 0, "hoogspanning": 215,
	"bodem": 0, "industrie": 0, "netcongestie": 0,
}

// BuiltinLayers lists the built-in context layer kinds, sorted: point kinds
// (OV stops, amenities) and area kinds (exclusion or penalty zones). Users
// may import layers of any other kind named [a-z0-9_]+.
func BuiltinLayers() (points, areas []string) {
	for k := range pointLayers {
		points = append(points, k)
	}
	for k := range areaLayers {
		areas = append(areas, k)
	}
	sort.Strings(points)
	sort.Strings(areas)
	return points, areas
}

// DefaultBuffer returns the buffer (metres) lines of a layer kind get when
// Options.Buffer is 0: 215 for hoogspanning, else 0 (no buffer).
func DefaultBuffer(layer string) float64 { return areaLayers[layer] }

var reLayer = regexp.MustCompile(`^[a-z0-9_]+$`)

// Options tell Import what a file holds and how to treat it.
type Options struct {
	// Kind is what the file holds: gebouwen, kavels, adressen, laag,
	// gemeenten or regios.
	Kind store.RunKind
	// Layer is the layer kind for Kind laag: a built-in point or area kind
	// (see BuiltinLayers) or a kind of the user's own ([a-z0-9_]+; its
	// geometries are kept as delivered, lines buffered only with Buffer).
	Layer string
	// Source is the source name stored with sites; "" derives it from the
	// file name ("RVB gebouwen.xlsx" -> "rvb-gebouwen"). Re-importing with the
	// same Source updates the same sites.
	Source string
	// CRS of the coordinates; "" detects it per file (declared CRS of spatial
	// formats, else from the first coordinates in the Dutch box).
	CRS geo.CRS
	// Mapping is the user's column mapping; nil uses the aliases only.
	Mapping *Mapping
	// Sheet is the XLSX sheet or GeoPackage layer ("" = the first).
	Sheet string
	// Buffer (metres) turns lines of area layers into polygons (a
	// MultiPolygon of one capsule per segment; the feature keeps the width in
	// attribute buffer_m); 0 uses the kind's default (DefaultBuffer).
	Buffer float64
	// Strict refuses the whole file when any row is bad.
	Strict bool
	// DryRun validates only: the run is recorded, no data is written.
	DryRun bool
	// Progress, when not nil, is called with the phase of the import
	// (PhaseChecking, PhaseWriting, PhaseCommitting, and PhaseDone last)
	// and the rows of the file done so far in that phase.
	Progress func(phase string, done, total int)
}

// Import phases, as Options.Progress reports them.
const (
	// PhaseChecking: rows are converted and validated, not yet written
	// (layers, addresses, gemeenten, regions, dry runs).
	PhaseChecking = "checking"
	// PhaseWriting: rows are converted, validated and written to the store.
	PhaseWriting = "writing"
	// PhaseCommitting: the rows are written; indexes are built and the
	// transaction is committed.
	PhaseCommitting = "committing"
	// PhaseDone: the import is over (whatever its outcome); the last call.
	PhaseDone = "done"
)

func (o *Options) validate() error {
	switch o.Kind {
	case store.RunGebouwen, store.RunKavels, store.RunAdressen, store.RunGemeenten, store.RunRegios:
		if o.Layer != "" {
			return fmt.Errorf("%w: a layer name only goes with kind laag", ErrOptions)
		}
	case store.RunLaag:
		if !reLayer.MatchString(o.Layer) {
			return fmt.Errorf("%w: layer kind %q must be lower-case letters, digits and _ (e.g. ov_halte, geluid)", ErrOptions, o.Layer)
		}
	default:
		return fmt.Errorf("%w: unknown kind %q: use gebouwen, kavels, adressen, laag, gemeenten or regios", ErrOptions, o.Kind)
	}
	if o.Buffer < 0 {
		return fmt.Errorf("%w: buffer %v m must not be negative", ErrOptions, o.Buffer)
	}
	return nil
}

// SourceName derives a source name from a file name: the base name without
// extension, lower case, runs of other characters than letters and digits
// replaced by "-": "RVB gebouwen 2025.xlsx" -> "rvb-gebouwen-2025".
func SourceName(path string) string {
	base := filepath.Base(path)
	base = strings.TrimSuffix(base, filepath.Ext(base))
	var b strings.Builder
	dash := false
	for _, r := range normalizeKeepSpaces(base) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "import"
	}
	return b.String()
}

// normalizeKeepSpaces lower-cases and strips accents but keeps separators
// as a non-alphanumeric marker.
func normalizeKeepSpaces(s string) string {
	var b strings.Builder
	for _, r := range s {
		n := normalizeHeader(string(r))
		if n == "" {
			b.WriteByte(' ')
		} else {
			b.WriteString(n)
		}
	}
	return b.String()
}

// Import reads the file at path, validates every row and lands the valid
// rows in the store in one transaction, recorded as a run.
//
// Rows that fail validation are rejected and listed in run.Errors (row,
// column, value, message); they are not an error: check run.Rejected. With
// opts.Strict any bad row refuses the whole file (status refused); with
// opts.DryRun nothing but the run is written (status dry-run, Imported is
// the number of rows that would land). A file without any valid row is
// refused.
//
// Import returns a non-nil error only when the run stopped: the file could
// not be read or lacks required columns (status failed or refused, the
// reason in run.Message and as a file-level RowError with Row 0), or the
// store failed (status failed; earlier data is intact). Invalid options
// return an error wrapping ErrOptions and no run.
func Import(ctx context.Context, st *store.Store, path string, opts Options) (*store.Run, error) {
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if opts.Source == "" {
		opts.Source = SourceName(path)
	}
	run := newRun(opts, path)
	sum, err := hashFile(path)
	if err != nil {
		return run, stop(ctx, st, run, store.RunFailed, fmt.Errorf("%s: %w", filepath.Base(path), err))
	}
	run.SHA256 = sum
	t, err := readTable(ctx, path, opts.Sheet)
	rowErrs, fatal := splitReadErrors(&t, err)
	if fatal {
		return run, stop(ctx, st, run, store.RunFailed, readErr(filepath.Base(path), err))
	}
	return run, importTable(ctx, st, run, &t, opts, rowErrs)
}

// ImportDefaults loads the embedded gemeenten and region table (package
// data) when the store has none yet, as runs of kind gemeenten and regios
// with File "embedded:gemeenten.geojson" and "embedded:regios.csv". It does
// nothing for what the store already holds, so users' own imports are kept.
func ImportDefaults(ctx context.Context, st *store.Store) error {
	gs, err := st.Gemeenten(ctx)
	if err != nil {
		return fmt.Errorf("importing defaults: %w", err)
	}
	if len(gs) == 0 {
		if err := importEmbedded(ctx, st, "gemeenten.geojson", store.RunGemeenten); err != nil {
			return err
		}
	}
	rs, err := st.Regions(ctx)
	if err != nil {
		return fmt.Errorf("importing defaults: %w", err)
	}
	if len(rs) == 0 {
		if err := importEmbedded(ctx, st, "regios.csv", store.RunRegios); err != nil {
			return err
		}
	}
	return nil
}

func importEmbedded(ctx context.Context, st *store.Store, name string, kind store.RunKind) error {
	b, err := data.Files.ReadFile(name)
	if err != nil {
		return fmt.Errorf("embedded %s: %w", name, err)
	}
	opts := Options{Kind: kind, Source: "embedded"}
	run := newRun(opts, "embedded:"+name)
	h := sha256.Sum256(b)
	run.SHA256 = hex.EncodeToString(h[:])
	var t Table
	if strings.HasSuffix(name, ".csv") {
		t, err = readCSV(ctx, name, bytes.NewReader(b))
	} else {
		t, err = readGeoJSON(ctx, name, bytes.NewReader(b))
	}
	rowErrs, fatal := splitReadErrors(&t, err)
	if fatal {
		return stop(ctx, st, run, store.RunFailed, readErr(name, err))
	}
	if err := importTable(ctx, st, run, &t, opts, rowErrs); err != nil {
		return err
	}
	if run.Status != store.RunOK || run.Rejected > 0 {
		return fmt.Errorf("embedded %s: %d rows rejected (run %d, status %s)", name, run.Rejected, run.ID, run.Status)
	}
	return nil
}

func newRun(opts Options, file string) *store.Run {
	return &store.Run{Kind: opts.Kind, Layer: opts.Layer, File: file, Started: time.Now().UTC()}
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return "", fmt.Errorf("is a directory, not a file")
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readErr adds the file name to a reader's error unless it names it.
func readErr(name string, err error) error {
	if strings.Contains(err.Error(), name) {
		return err
	}
	return fmt.Errorf("%s: %w", name, err)
}

// stop finishes a run that writes no data with status and reason err,
// records it and returns err (joined with a store error, if recording
// failed too).
func stop(ctx context.Context, st *store.Store, run *store.Run, status string, err error) error {
	run.Status = status
	run.Message = err.Error()
	run.Imported = 0
	run.Errors = append(run.Errors, fileRowErrors(err)...)
	finish(run)
	run.ID = 0
	if serr := st.SaveRun(ctx, run); serr != nil {
		return errors.Join(err, fmt.Errorf("recording the run: %w", serr))
	}
	return err
}

// splitReadErrors sorts out what a reader returned with its Table. Readers
// report bad rows (a value beyond the header, a broken geometry) next to a
// Table holding every row: when every error names a row, those rows are
// taken out of t and returned as row errors, and the import goes on. Any
// other error (or a Table without records) is fatal.
func splitReadErrors(t *Table, err error) ([]store.RowError, bool) {
	if err == nil {
		return nil, false
	}
	if len(t.Records) == 0 {
		return nil, true
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	bad := map[int]bool{}
	var out []store.RowError
	for _, e := range list {
		var re *ReadError
		if !errors.As(e, &re) || re.Row <= 0 {
			return nil, true
		}
		out = append(out, store.RowError{Row: re.Row, Column: re.Column, Value: clip(re.Value), Message: re.Msg})
		bad[re.Row] = true
	}
	kept := t.Records[:0]
	for _, r := range t.Records {
		if !bad[r.Row] {
			kept = append(kept, r)
		}
	}
	t.Records = kept
	return out, false
}

// fileRowErrors turns a file-level error into the run's row errors: a
// reader's ReadError keeps its row and column, anything else becomes row 0.
func fileRowErrors(err error) []store.RowError {
	var re *ReadError
	if errors.As(err, &re) {
		return []store.RowError{{Row: re.Row, Column: re.Column, Value: clip(re.Value), Message: re.Msg}}
	}
	return []store.RowError{{Message: err.Error()}}
}

// readRows returns the distinct rows of errs.
func readRows(errs []store.RowError) map[int]bool {
	rows := map[int]bool{}
	for _, e := range errs {
		rows[e.Row] = true
	}
	return rows
}

// streams reports whether sites can stream into st while the file is
// converted: the write transaction holds a connection, and geocoding reads
// addresses through another, which a store of one connection (an in-memory
// SQLite database) does not have. Such a store gets the sites in one slice.
func streams(st *store.Store) bool {
	return st.DB().Stats().MaxOpenConnections != 1
}

func finish(run *store.Run) {
	now := time.Now().UTC()
	run.Finished = &now
}

// importTable converts t and saves the result as run.
// readRowErrs are rows the reader already rejected (taken out of t).
func importTable(ctx context.Context, st *store.Store, run *store.Run, t *Table, opts Options, readRowErrs []store.RowError) error {
	run.RowsRead = len(t.Records) + len(readRows(readRowErrs))
	progress := func(phase string, done int) {
		if opts.Progress != nil {
			opts.Progress(phase, done, run.RowsRead)
		}
	}
	defer func() { progress(PhaseDone, run.RowsRead) }()
	c, err := newConverter(ctx, t, opts.Kind, opts)
	if err != nil {
		return stop(ctx, st, run, store.RunRefused, err)
	}
	c.lookup = st
	// Sites stream into one transaction as they are converted; it opens
	// with the first valid site and commits once every row is checked.
	var w *store.SiteWriter
	defer func() {
		if w != nil {
			w.Rollback() // a no-op once committed
		}
	}()
	switch opts.Kind {
	case store.RunGebouwen, store.RunKavels:
		a, aerr := NewAssigner(ctx, st)
		if aerr != nil {
			return stop(ctx, st, run, store.RunFailed, aerr)
		}
		c.assign = a
		if !opts.DryRun && streams(st) {
			discard := false
			c.emitSite = func(s *store.Site) error {
				if discard {
					return nil
				}
				if opts.Strict && c.out.rejected > 0 {
					// Refused in the end: stop writing now.
					w.Rollback()
					discard = true
					return nil
				}
				if w == nil {
					run.Status = store.RunOK // provisional; set again before commit
					var werr error
					if w, werr = st.NewSiteWriter(ctx, run, len(t.Records)); werr != nil {
						return werr
					}
				}
				return w.Write(s)
			}
		}
		err = c.convertSites()
	case store.RunLaag:
		err = c.convertFeatures()
	case store.RunAdressen:
		err = c.convertAddresses()
	case store.RunGemeenten:
		err = c.convertGemeenten()
	case store.RunRegios:
		err = c.convertRegions()
	}
	if err != nil {
		if w != nil {
			w.Rollback() // before recording the run: it holds the write lock
		}
		status := store.RunRefused
		var fe *FileError
		if !errors.As(err, &fe) {
			status = store.RunFailed // cancelled, store error
		}
		if status == store.RunFailed && w != nil {
			err = fmt.Errorf("saving to the store (nothing of this file was written): %w", err)
		}
		return stop(ctx, st, run, status, err)
	}
	out := c.out
	out.rejected += len(readRows(readRowErrs))
	out.errors = append(readRowErrs, out.errors...)
	sort.SliceStable(out.errors, func(i, j int) bool { return out.errors[i].Row < out.errors[j].Row })
	run.Rejected = out.rejected
	run.Errors = out.errors
	run.Message = strings.Join(out.notes, "; ")
	run.Status = "" // the writer's provisional status
	note := func(s string) {
		if run.Message != "" {
			run.Message = s + "; " + run.Message
		} else {
			run.Message = s
		}
	}
	switch {
	case run.RowsRead == 0:
		run.Status = store.RunRefused
		note("the file holds no data rows")
	case out.valid == 0:
		run.Status = store.RunRefused
		note(fmt.Sprintf("no valid rows: all %d rows rejected, nothing imported", run.RowsRead))
	case opts.Strict && out.rejected > 0:
		run.Status = store.RunRefused
		note(fmt.Sprintf("refused (--strict): %d of %d rows are bad, nothing imported", out.rejected, run.RowsRead))
	case opts.DryRun:
		run.Status = store.RunDryRun
		run.Imported = out.valid
		note(fmt.Sprintf("dry run: %d rows valid, %d rejected, nothing written", out.valid, out.rejected))
	}
	if run.Status != "" {
		if w != nil {
			w.Rollback()
		}
		if run.Status != store.RunDryRun {
			run.Imported = 0
		}
		finish(run)
		if serr := st.SaveRun(ctx, run); serr != nil {
			return fmt.Errorf("recording the run: %w", serr)
		}
		return nil
	}
	run.Status = store.RunOK
	run.Imported = out.valid
	if w != nil {
		progress(PhaseCommitting, run.RowsRead)
		// Commit sets run.Finished: the run's time covers every write.
		if err := w.Commit(); err != nil {
			return stop(ctx, st, run, store.RunFailed, fmt.Errorf("saving to the store (nothing of this file was written): %w", err))
		}
		return nil
	}
	progress(PhaseWriting, 0)
	switch opts.Kind {
	case store.RunGebouwen, store.RunKavels:
		err = st.SaveSites(ctx, run, out.sites)
	case store.RunLaag:
		err = st.SaveFeatures(ctx, run, opts.Layer, out.features)
	case store.RunAdressen:
		err = st.SaveAddresses(ctx, run, out.addresses)
	case store.RunGemeenten:
		var moves map[string]string
		if moves, err = siteMoves(ctx, st, out.gemeenten); err == nil {
			err = st.SaveGemeentenMovingSites(ctx, run, out.gemeenten, moves)
		}
	case store.RunRegios:
		err = st.SaveRegions(ctx, run, out.regions)
	}
	if err != nil {
		return stop(ctx, st, run, store.RunFailed, fmt.Errorf("saving to the store (nothing of this file was written): %w", err))
	}
	return nil // the store set run.Finished when the writes were done
}
