package matching

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/internal/spreadsheet"
	"github.com/plekwijzer/plekwijzer/store"
)

// Ranked returns a copy of results in export order: per centrumgemeente
// (sites without one last), eligible sites by rank_in_region, then the
// ineligible ones by score descending; ties by site id.
func Ranked(results []Result) []Result {
	out := append([]Result(nil), results...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if (a.Centrumgemeente == "") != (b.Centrumgemeente == "") {
			return b.Centrumgemeente == ""
		}
		if a.Centrumgemeente != b.Centrumgemeente {
			return a.Centrumgemeente < b.Centrumgemeente
		}
		if (a.RankInRegion > 0) != (b.RankInRegion > 0) {
			return a.RankInRegion > 0
		}
		if a.RankInRegion != b.RankInRegion {
			return a.RankInRegion < b.RankInRegion
		}
		if a.Score != b.Score {
			return a.Score > b.Score
		}
		return a.SiteID < b.SiteID
	})
	return out
}

func siteIndex(sites []store.Site) map[string]*store.Site {
	m := make(map[string]*store.Site, len(sites))
	for i := range sites {
		m[sites[i].ID] = &sites[i]
	}
	return m
}

// round7 rounds WGS84 degrees to 7 decimals (about 1 cm).
func round7(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e7) / 1e7, math.Round(p[1]*1e7) / 1e7}
}

// WriteGeoJSON writes the results as a GeoJSON FeatureCollection in WGS84
// (lon/lat, at most 7 decimals), in the given order. Each feature carries
// the site id as its id and every output field as a property, with the
// criteria as a list of objects. Results whose site is not in sites, or has
// no geometry, get a null geometry.
func WriteGeoJSON(w io.Writer, results []Result, sites []store.Site) error {
	return WriteGeoJSONWith(w, results, sites, ExportOptions{})
}

// WriteGeoJSONWith writes what WriteGeoJSON writes and, with
// opt.BusinessCase, every feature's business case as bc_* properties (see
// businessCaseProperties).
func WriteGeoJSONWith(w io.Writer, results []Result, sites []store.Site, opt ExportOptions) error {
	bcs, err := businessCases(results, opt.BusinessCase)
	if err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	idx := siteIndex(sites)
	fc := geojson.NewFeatureCollection()
	for i := range results {
		var bc *BusinessCaseResult
		if bcs != nil {
			bc = &bcs[i]
		}
		fc.Append(geojsonFeature(&results[i], idx[results[i].SiteID], bc))
	}
	b, err := json.Marshal(fc)
	if err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("write geojson: %w", err)
	}
	return nil
}

// geojsonFeature is the feature of one result; s (the site) and bc may be nil.
func geojsonFeature(r *Result, s *store.Site, bc *BusinessCaseResult) *geojson.Feature {
	var g orb.Geometry
	if s != nil && s.Geometry != nil {
		g = geo.Project(s.Geometry, func(p orb.Point) orb.Point { return round7(geo.RDToWGS84(p)) })
	}
	f := geojson.NewFeature(g)
	f.ID = r.SiteID
	props := geojson.Properties{
		"use": r.Use, "profile": r.Profile, "soort": r.SiteKind,
		"score": r.Score, "eligible": r.Eligible, "knockouts": r.Knockouts,
		"criteria":       r.Criteria,
		"capacity_units": r.CapacityUnits, "capacity_people": r.CapacityPeople,
		"capacity_assumptions": r.CapacityAssumptions,
		"gemeente":             r.Gemeente, "centrumgemeente": r.Centrumgemeente,
		"rank_in_region": r.RankInRegion,
	}
	if s != nil {
		props["naam"] = s.Name
	}
	if bc != nil {
		for k, v := range businessCaseProperties(bc) {
			props[k] = v
		}
	}
	f.Properties = props
	return f
}

// WriteCSV writes the results as a CSV for Dutch Excel: UTF-8 with BOM, ";"
// separated, decimal comma, ja/nee for booleans, knock-outs joined with
// " | ", and for each criterion (in profile order) the columns
// <name>_value, <name>_unit, <name>_normalised, <name>_weight and
// <name>_contribution (value empty when the criterion has no data).
// Coordinates: the site point in RD New (x_rd, y_rd) and WGS84 (lon, lat).
func WriteCSV(w io.Writer, results []Result, sites []store.Site) error {
	return WriteCSVWith(w, results, sites, ExportOptions{})
}

// WriteCSVWith writes what WriteCSV writes and, with opt.BusinessCase, the
// business-case columns after the criteria columns (see businessCaseRow).
func WriteCSVWith(w io.Writer, results []Result, sites []store.Site, opt ExportOptions) error {
	bcs, err := businessCases(results, opt.BusinessCase)
	if err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	idx := siteIndex(sites)
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	cw := newCSVWriter(w)
	var names []string
	seen := map[string]bool{}
	for i := range results {
		for _, c := range results[i].Criteria {
			if !seen[c.Name] {
				seen[c.Name] = true
				names = append(names, c.Name)
			}
		}
	}
	header := csvHeader(names, bcs != nil)
	if err := cw.Write(header); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	row := make([]string, len(header))
	for i := range results {
		var bc *BusinessCaseResult
		if bcs != nil {
			bc = &bcs[i]
		}
		row = appendCSVRow(row[:0], &results[i], idx[results[i].SiteID], names, bc)
		if err := cw.Write(row); err != nil {
			return fmt.Errorf("write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

func newCSVWriter(w io.Writer) *csv.Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return cw
}

// csvHeader is the CSV header for the criteria names, with the
// business-case columns when bc.
func csvHeader(names []string, bc bool) []string {
	header := []string{"id", "naam", "soort", "use", "profile", "gemeente", "centrumgemeente", "rank_in_region", "score", "eligible", "knockouts", "capacity_units", "capacity_people", "capacity_assumptions", "x_rd", "y_rd", "lon", "lat"}
	for _, n := range names {
		header = append(header, n+"_value", n+"_unit", n+"_normalised", n+"_weight", n+"_contribution")
	}
	if bc {
		header = append(header, businessCaseColumns...)
	}
	return header
}

// appendCSVRow appends the CSV row of one result to row; s (the site) and
// bc may be nil.
func appendCSVRow(row []string, r *Result, s *store.Site, names []string, bc *BusinessCaseResult) []string {
	var naam, x, y, lon, lat string
	if s != nil {
		naam = s.Name
		if p := sitePoint(s); !math.IsNaN(p[0]) {
			x, y = nl(p[0], 2), nl(p[1], 2)
			q := round7(geo.RDToWGS84(p))
			lon, lat = nl(q[0], 7), nl(q[1], 7)
		}
	}
	text := spreadsheet.Text // delivered text must not run as a formula in Excel
	row = append(row, r.SiteID, text(naam), string(r.SiteKind), string(r.Use), r.Profile, r.Gemeente, r.Centrumgemeente,
		strconv.Itoa(r.RankInRegion), nl(r.Score, -1), jaNee(r.Eligible), text(strings.Join(r.Knockouts, " | ")),
		strconv.Itoa(r.CapacityUnits), strconv.Itoa(r.CapacityPeople), r.CapacityAssumptions, x, y, lon, lat)
	byName := make(map[string]*CriterionResult, len(r.Criteria))
	for j := range r.Criteria {
		byName[r.Criteria[j].Name] = &r.Criteria[j]
	}
	for _, n := range names {
		c := byName[n]
		switch {
		case c == nil:
			row = append(row, "", "", "", "", "")
		case c.Missing:
			row = append(row, "", c.Unit, "", "0", "0")
		default:
			v := text(c.Text)
			if v == "" {
				v = nl(c.Value, -1)
			}
			row = append(row, v, c.Unit, nl(c.Normalised, -1), nl(c.Weight, -1), nl(c.Contribution, -1))
		}
	}
	if bc != nil {
		row = append(row, businessCaseRow(bc)...)
	}
	return row
}

// nl formats a number with a decimal comma (prec -1: shortest exact).
func nl(f float64, prec int) string {
	return strings.Replace(strconv.FormatFloat(f, 'f', prec, 64), ".", ",", 1)
}

func jaNee(b bool) string {
	if b {
		return "ja"
	}
	return "nee"
}
