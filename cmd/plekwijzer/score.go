package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// scoringFlags are the flags score, export and serve share: profile files
// replacing the defaults, and a demand file.
type scoringFlags struct {
	profiles []string
	demand   string
}

func (s *scoringFlags) register(fs *flag.FlagSet) {
	fs.Func("profiel", "scoring profile file (YAML/JSON) replacing the default for its use; may be repeated", func(v string) error {
		s.profiles = append(s.profiles, v)
		return nil
	})
	fs.StringVar(&s.demand, "vraag", "", "demand file (need and target per centrumgemeente) replacing the default")
}

// setup loads the profile and demand files into a matching.Setup.
func (s scoringFlags) setup() (matching.Setup, error) {
	var su matching.Setup
	if len(s.profiles) > 0 {
		defaults, err := matching.DefaultProfiles()
		if err != nil {
			return su, err
		}
		byUse := map[matching.Use]*matching.Profile{}
		for _, p := range defaults {
			byUse[p.Use] = p
		}
		for _, path := range s.profiles {
			p, err := matching.LoadProfile(path)
			if err != nil {
				return su, err
			}
			byUse[p.Use] = p
		}
		su.Profiles = []*matching.Profile{byUse[matching.Flex], byUse[matching.Transformatie]}
	}
	if s.demand != "" {
		d, err := matching.LoadDemand(s.demand)
		if err != nil {
			return su, err
		}
		su.Demand = d
	}
	return su, nil
}

func runScore(ctx context.Context, e env) error {
	fs, db := newFlags(e, "score", "[--profiel FILE] [--vraag FILE] [--gevoeligheid]")
	var sf scoringFlags
	sf.register(fs)
	sens := fs.Bool("gevoeligheid", false, "also test how robust each region's top 10 is to ±20% weight changes, and list the sites whose place hinges on one weight")
	if _, err := parseArgs(fs, e.args); err != nil {
		return err
	}
	su, err := sf.setup()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	out, err := matching.ScoreStoreCompact(ctx, st, su)
	if err != nil {
		return err
	}
	t0 := time.Now()
	if err := st.SaveScoreSets(ctx, out.Generation, out.Scored, out.ScoreSets()...); err != nil {
		return err
	}
	d := out.Durations
	ms := func(d time.Duration) time.Duration { return d.Round(time.Millisecond) }
	fmt.Fprintf(e.stderr, "score: %d sites: read %s (sites %s), scored %s, summarised %s, stored %s\n", len(out.Sites),
		ms(d.Read), ms(d.ReadSites), ms(d.Score), ms(d.Summarize), ms(time.Since(t0)))
	printOutcome(e.stdout, out)
	if *sens {
		printSensitivity(e.stdout, out)
	}
	return nil
}

// printSensitivity lists, per use, the top-10 sites whose place in their
// region depends on a single weight.
func printSensitivity(w io.Writer, out *matching.CompactOutcome) {
	for _, set := range out.Sets {
		res := matching.SensitivityCompact(set, matching.SensitivityOptions{TopN: 10, Seed: 1})
		var flagged []matching.SiteSensitivity
		for _, r := range res {
			if r.Flagged {
				flagged = append(flagged, r)
			}
		}
		fmt.Fprintf(w, "\nSensitivity %s (top 10 per region, weights ±20%%, 500 runs): %d of %d top sites hinge on one weight\n",
			set.Use, len(flagged), len(res))
		for _, r := range flagged {
			fmt.Fprintf(w, "  %s %s rank %d, stays in the top %.0f%% of runs; depends on %s\n",
				r.Centrumgemeente, r.SiteID, r.BaseRank, 100*r.StayRate, strings.Join(r.DependsOn, ", "))
		}
	}
}

func printOutcome(w io.Writer, out *matching.CompactOutcome) {
	for _, set := range out.Sets {
		eligible, units := 0, 0
		for i := range set.Entries {
			if en := &set.Entries[i]; en.Eligible {
				eligible++
				units += int(en.CapacityUnits)
			}
		}
		fmt.Fprintf(w, "%s (profile %s): %d sites scored, %d eligible, %d homes on eligible sites\n",
			set.Use, set.Name, len(set.Entries), eligible, units)
		for _, warn := range set.Warnings {
			fmt.Fprintf(w, "  note: %s\n", warn)
		}
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "CENTRUMGEMEENTE\tCANDIDATES\tELIGIBLE\tCAPACITY (PEOPLE)\tTARGET\tGAP\t")
	for _, r := range out.Regions {
		target, gap := "geen gegevens", "geen gegevens"
		if r.Target != nil {
			target = fmt.Sprint(*r.Target)
		}
		if r.Gap != nil {
			gap = fmt.Sprint(*r.Gap)
		}
		fmt.Fprintf(tw, "%s %s\t%d\t%d\t%d\t%s\t%s\t\n", r.Centrumgemeente, r.CentrumgemeenteNaam,
			r.Candidates, r.Eligible, r.CapacityPeople, target, gap)
	}
	tw.Flush()
}

var exportUses = map[string]matching.Use{"flex": matching.Flex, "transformatie": matching.Transformatie}

func runExport(ctx context.Context, e env) error {
	fs, db := newFlags(e, "export", "--gebruik flex|transformatie [--regio GM0363] [--format geojson|csv] [--businesscase] [--businesscase-params FILE] -o FILE")
	gebruik := fs.String("gebruik", "", "use: flex or transformatie")
	regio := fs.String("regio", "", "only this centrumgemeente (CBS code, e.g. GM0363)")
	format := fs.String("format", "", "geojson or csv (default: from the file name)")
	outPath := fs.String("o", "", "output file; - for standard output")
	bcFlag := fs.Bool("businesscase", false, "add the business case per site (bc_* columns/properties) with the default parameters")
	bcParams := fs.String("businesscase-params", "", "business-case parameter file (YAML/JSON, see matching/defaults/businesscase.yaml); implies --businesscase")
	var sf scoringFlags
	sf.register(fs)
	if _, err := parseArgs(fs, e.args); err != nil {
		return err
	}
	use, ok := exportUses[*gebruik]
	if !ok {
		return usageError{fmt.Sprintf("--gebruik %q: use flex or transformatie", *gebruik)}
	}
	if *outPath == "" {
		return usageError{"-o FILE is required (- for standard output)"}
	}
	if *format == "" {
		*format = strings.TrimPrefix(strings.ToLower(filepath.Ext(*outPath)), ".")
		if *format == "json" {
			*format = "geojson"
		}
	}
	if *format != "geojson" && *format != "csv" {
		return usageError{fmt.Sprintf("format %q: use --format geojson or --format csv", *format)}
	}
	var opt matching.ExportOptions
	if *bcFlag || *bcParams != "" {
		p := matching.DefaultBusinessCaseParams()
		if *bcParams != "" {
			var err error
			if p, err = matching.LoadBusinessCaseParams(*bcParams); err != nil {
				return err
			}
		}
		opt.BusinessCase = &p
	}
	code := strings.ToUpper(*regio)
	su, err := sf.setup()
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	if code != "" {
		if err := checkRegion(ctx, st, code); err != nil {
			return err
		}
	}
	var n int
	err = writeOutput(*outPath, e.stdout, func(w io.Writer) error {
		var err error
		n, err = writeExport(ctx, w, st, su, use, code, *format, opt)
		return err
	})
	if err == nil && *outPath != "-" {
		fmt.Fprintf(e.stderr, "export: %d %s candidates written to %s\n", n, use, *outPath)
	}
	return err
}

// writeExport scores the store compactly and writes the candidates of use
// (of centrumgemeente code, or all) in export order as CSV or GeoJSON,
// explaining them a chunk at a time while writing. It returns their number.
func writeExport(ctx context.Context, w io.Writer, st *store.Store, su matching.Setup, use matching.Use, code, format string, opt matching.ExportOptions) (int, error) {
	out, err := matching.ScoreStoreCompact(ctx, st, su)
	if err != nil {
		return 0, err
	}
	set := out.Set(use)
	if set == nil {
		return 0, fmt.Errorf("no profile scores %s", use)
	}
	entries := set.ExportOrder(code)
	if format == "csv" {
		return len(entries), matching.WriteCSVCompact(ctx, w, set, entries, opt)
	}
	return len(entries), matching.WriteGeoJSONCompact(ctx, w, set, entries, opt)
}

// checkRegion reports an unknown centrumgemeente code with the known ones.
func checkRegion(ctx context.Context, st *store.Store, code string) error {
	members, err := st.Regions(ctx)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.Centrumgemeente == code {
			return nil
		}
	}
	return usageError{fmt.Sprintf("--regio %s is not a centrumgemeente in the region table (see `plekwijzer score` for the list)", code)}
}

// writeOutput writes through fn to path ("-" for stdout), atomically for
// files: a failed export leaves no half-written file behind.
func writeOutput(path string, stdout io.Writer, fn func(io.Writer) error) error {
	if path == "-" {
		return fn(stdout)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := fn(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
