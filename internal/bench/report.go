package bench

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"
)

// Section markers in BENCHMARKS.md: WriteSection replaces what lies between.
const (
	MarkStart = "<!-- bench:start -->"
	MarkEnd   = "<!-- bench:end -->"
)

// Machine describes the machine a run used.
type Machine struct {
	CPUs      int
	CPUModel  string
	MemoryGB  float64
	GoVersion string
}

// ThisMachine reads nproc, the CPU model (/proc/cpuinfo) and the memory
// (/proc/meminfo).
func ThisMachine() Machine {
	m := Machine{CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), CPUModel: "unknown"}
	if f, err := os.Open("/proc/cpuinfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if k, v, ok := strings.Cut(sc.Text(), ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
		f.Close()
	}
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var kb float64
			if _, err := fmt.Sscanf(sc.Text(), "MemTotal: %f kB", &kb); err == nil {
				m.MemoryGB = kb / 1024 / 1024
				break
			}
		}
		f.Close()
	}
	return m
}

// Report renders the results as the markdown section of BENCHMARKS.md.
func Report(rs []SizeResult, c Config, m Machine, at time.Time) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("## plekwijzer bench (issue 8)\n\n")
	p("Written by `plekwijzer bench` on %s. Machine: %d CPUs (%s), %.1f GB memory, linux/%s, %s.\n\n",
		at.UTC().Format("2006-01-02 15:04 MST"), m.CPUs, m.CPUModel, m.MemoryGB, runtime.GOARCH, m.GoVersion)
	p("Scene (seed %d): sites clustered in the embedded municipalities, half kavels half gebouwen (points); "+
		"60k OV stops, 30k amenities (supermarkt, huisarts), 2k exclusion polygons (natura2000). "+
		"The binary runs on SQLite; API load: %d connections, %s per request kind, loopback; a request taking more than %s counts as an error.\n\n",
		c.Seed, c.Load.withDefaults().Connections, c.Load.withDefaults().Duration, c.Load.withDefaults().Timeout)
	p("Reference workload (one use): d = min(nearest OV stop, 5000 m), n = amenities within 1000 m, knocked out inside an exclusion polygon, "+
		"score = 0.6 (1 - d/5000) + 0.4 min(n,20)/20; top 100 per gemeente. *engine* = `matching.Engine.ScoreCompact` in-process "+
		"(fastest of %d runs, index build not included); *PostGIS* = the same in SQL (KNN `<->`, `ST_DWithin`, `ST_Intersects`, `ST_Contains`, "+
		"GiST, ANALYZE, max_parallel_workers_per_gather = 2); ratio = PostGIS / engine, same run. *top-100* says whether both gave the same top 100 of every gemeente.\n\n",
		max(c.EngineRuns, 1))
	p("| sites | import CSV rows/s | import GPKG rows/s | PostGIS load s | score s | engine s | PostGIS s | ratio | top-100 | serve ready s | RSS/site ready | RSS/site load |")
	for _, k := range RequestKinds {
		p(" %s req/s (p99 ms) |", k)
	}
	p("\n|---|---|---|---|---|---|---|---|---|---|---|---|")
	for range RequestKinds {
		p("---|")
	}
	p("\n")
	dash := "-"
	for _, r := range rs {
		cell := func(ok bool, format string, a ...any) string {
			if !ok {
				return dash
			}
			return fmt.Sprintf(format, a...)
		}
		match := dash
		if r.PG != nil {
			match = "equal"
			if len(r.Diffs) > 0 {
				match = fmt.Sprintf("**%d differences**", len(r.Diffs))
			}
		}
		var eng, pgq, ratio string = dash, dash, dash
		if r.Engine != nil {
			eng = fmt.Sprintf("%.3f", r.Engine.Score.Seconds())
		}
		if r.PG != nil {
			pgq = fmt.Sprintf("%.2f", r.PG.Query.Seconds())
			if r.Engine != nil && r.Engine.Score > 0 {
				ratio = fmt.Sprintf("%.0fx", r.PG.Query.Seconds()/r.Engine.Score.Seconds())
			}
		}
		perSite := func(v int64) string {
			return cell(v > 0, "%.0f B", float64(v)/float64(r.Sites))
		}
		p("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |",
			thousands(r.Sites),
			cell(len(r.CSV) > 0, "%s", thousands(int(sitesPerSecond(r.CSV)))),
			cell(len(r.GPKG) > 0, "%s", thousands(int(sitesPerSecond(r.GPKG)))),
			cell(r.PG != nil, "%.2f", pgLoad(r)),
			cell(r.Score != nil, "%.1f", scoreSeconds(r)),
			eng, pgq, ratio, match,
			cell(r.ReadyAfter > 0, "%.1f", r.ReadyAfter.Seconds()),
			perSite(r.RSSReady), perSite(r.RSSLoad))
		for _, k := range RequestKinds {
			found := false
			for _, a := range r.API {
				if a.Kind == k {
					found = true
					errs := ""
					if a.Errors > 0 {
						errs = fmt.Sprintf(", %d errors", a.Errors)
					}
					p(" %.0f (%.1f%s) |", a.RPS(), float64(a.P99.Microseconds())/1000, errs)
				}
			}
			if !found {
				p(" %s |", dash)
			}
		}
		p("\n")
	}
	p("\nPer size: scene SHA-256 (CSV files), generation, engine index build, PostGIS rows, peak RSS of import and score (getrusage), VmHWM of serve, mean features per API page:\n\n")
	for _, r := range rs {
		p("- %s sites: `%s`, generated in %.1f s", thousands(r.Sites), r.Hash, r.Generate.Seconds())
		if r.Engine != nil {
			p(", engine index %.2f s", r.Engine.Index.Seconds())
		}
		if r.PG != nil {
			p(", PostGIS %s rows", thousands(r.PG.Rows))
		}
		if len(r.CSV) > 0 {
			p(", import peak RSS %d MB", maxRSS(r.CSV)>>20)
		}
		if r.Score != nil {
			p(", score peak RSS %d MB", r.Score.MaxRSS>>20)
		}
		if r.HWM > 0 {
			p(", serve VmHWM %d MB", r.HWM>>20)
		}
		for _, a := range r.API {
			if a.Features > 0 {
				p("; %s: %.0f features per page", a.Kind, a.Features)
			}
		}
		for _, a := range r.API {
			if a.Errors > 0 {
				p("\n  - %s: %d of %d requests failed, the first: %s", a.Kind, a.Errors, a.Requests, errorText(a.FirstError))
			}
		}
		if r.GPKGNote != "" {
			p("; %s", r.GPKGNote)
		}
		for _, d := range r.Diffs {
			p("\n  - difference: %s", d)
		}
		p("\n")
	}
	return b.String()
}

func pgLoad(r SizeResult) float64 {
	if r.PG == nil {
		return 0
	}
	return r.PG.Load.Seconds()
}

func scoreSeconds(r SizeResult) float64 {
	if r.Score == nil {
		return 0
	}
	return r.Score.Elapsed.Seconds()
}

func maxRSS(rs []ImportResult) int64 {
	var m int64
	for _, r := range rs {
		m = max(m, r.MaxRSS)
	}
	return m
}

// thousands formats n with "," between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// ReplaceSection returns doc with the text between MarkStart and MarkEnd
// replaced by section; without the markers, it appends them with section.
func ReplaceSection(doc, section string) string {
	block := MarkStart + "\n" + strings.TrimRight(section, "\n") + "\n" + MarkEnd
	i := strings.Index(doc, MarkStart)
	j := strings.Index(doc, MarkEnd)
	if i < 0 || j < i {
		return strings.TrimRight(doc, "\n") + "\n\n" + block + "\n"
	}
	return doc[:i] + block + doc[j+len(MarkEnd):]
}

// WriteSection replaces the marked section of the markdown file at path.
func WriteSection(path, section string) error {
	b, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("read %s: %w", path, err)
	}
	if err := os.WriteFile(path, []byte(ReplaceSection(string(b), section)), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// errorText shortens an error for the report: the URL's host and port
// (different in every run) are dropped.
func errorText(s string) string {
	if i := strings.Index(s, "http://"); i >= 0 {
		if j := strings.Index(s[i+7:], "/"); j >= 0 {
			s = s[:i] + s[i+7+j:]
		}
	}
	return tail(s, 300)
}
