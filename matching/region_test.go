package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

func res(id string, use Use, score float64, people int, eligible bool, region string) Result {
	return Result{SiteID: id, Use: use, Score: score, CapacityPeople: people, CapacityUnits: people, Eligible: eligible, Centrumgemeente: region}
}

// Hand-solved: target 25. Options by score: A/flex 90 (10), A/transf 85 (30),
// B 80 (10), C 70 (20), D 60 (5), E ineligible 99 (100).
// Greedy: A/flex (10), skip A/transf (A used), B (20), C (40) -> target met.
// Prune from the lowest: C (40-20=20 < 25 keep), B (40-10=30 >= 25 drop),
// A (30-10=20 keep). Result: A/flex + C = 30 people, total score 160.
func TestPortfolioHandSolved(t *testing.T) {
	flex := []Result{res("A", Flex, 90, 10, true, "R"), res("B", Flex, 80, 10, true, "R"), res("C", Flex, 70, 20, true, "R"), res("E", Flex, 99, 100, false, "R")}
	tr := []Result{res("A", Transformatie, 85, 30, true, "R"), res("D", Transformatie, 60, 5, true, "R")}
	pf := SelectPortfolio(25, flex, tr)
	var got []string
	for _, p := range pf.Selected {
		got = append(got, p.SiteID+"/"+string(p.Use))
	}
	if strings.Join(got, ",") != "A/flex,C/flex" || pf.CapacityPeople != 30 || pf.TotalScore != 160 || pf.Short != 0 {
		t.Errorf("portfolio %v cap %d score %v short %d", got, pf.CapacityPeople, pf.TotalScore, pf.Short)
	}
	// Target beyond everything: all eligible sites once, 55 short of 100.
	pf = SelectPortfolio(100, flex, tr)
	if len(pf.Selected) != 4 || pf.CapacityPeople != 45 || pf.Short != 55 {
		t.Errorf("short portfolio: %+v", pf)
	}
}

func TestSummarizeGeenGegevens(t *testing.T) {
	members := []store.RegionMember{
		{Gemeente: "GM0363", Centrumgemeente: "GM0363", CentrumgemeenteNaam: "Amsterdam"},
		{Gemeente: "GM0384", Centrumgemeente: "GM0363", CentrumgemeenteNaam: "Amsterdam"},
		{Gemeente: "GM0106", Centrumgemeente: "GM0106", CentrumgemeenteNaam: "Assen"},
	}
	set := &ScoreSet{Use: Flex, Results: []Result{
		res("a", Flex, 80, 2000, true, "GM0363"), res("b", Flex, 70, 1000, true, "GM0363"),
		res("c", Flex, 60, 50, true, "GM0106"), res("d", Flex, 60, 50, false, "GM0106"),
	}}
	sum := Summarize([]*ScoreSet{set}, members, DefaultDemand())
	if len(sum) != 2 {
		t.Fatalf("%d regions", len(sum))
	}
	ams, assen := sum[1], sum[0]
	if ams.Centrumgemeente != "GM0363" || ams.Gemeenten != 2 || ams.DemandStatus != "ok" || *ams.Need != 2700 || *ams.Target != 2700 || !ams.TargetDefaulted {
		t.Errorf("Amsterdam: %+v", ams)
	}
	if ams.CapacityPeople != 3000 || *ams.Gap != 0 || len(ams.Portfolio.Selected) != 2 {
		t.Errorf("Amsterdam capacity %d gap %v", ams.CapacityPeople, ams.Gap)
	}
	if assen.DemandStatus != NoData || assen.Need != nil || assen.Target != nil || assen.Gap != nil || assen.Portfolio != nil {
		t.Errorf("Assen must show geen gegevens, not zero: %+v", assen)
	}
	if assen.Candidates != 2 || assen.Eligible != 1 || assen.Uses[0].Eligible != 1 {
		t.Errorf("Assen counts: %+v", assen)
	}
	b, _ := json.Marshal(assen)
	if !strings.Contains(string(b), `"need":null`) || !strings.Contains(string(b), `"demand_status":"geen gegevens"`) {
		t.Errorf("JSON: %s", b)
	}
}

func TestParseDemandErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"centrumgemeente_statcode;jaar;geregistreerd_dakloos;doel_woonplekken;bron\nGM0363;2023;12x;;b\n", "row 2, column geregistreerd_dakloos, value \"12x\""},
		{"centrumgemeente_statcode;jaar;geregistreerd_dakloos;bron\n", "column doel_woonplekken is missing"},
		{"centrumgemeente_statcode;jaar;geregistreerd_dakloos;doel_woonplekken;bron\nAmsterdam;2023;1;;b\n", "like GM0363"},
		{"centrumgemeente_statcode;jaar;geregistreerd_dakloos;doel_woonplekken;bron\nGM0363;2023;1;;b\nGM0363;2023;1;;b\n", "appears twice (also row 2)"},
	} {
		_, err := ParseDemand(strings.NewReader(tc.in), "vraag.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrDemand) {
			t.Errorf("err = %v, want %q", err, tc.want)
		}
	}
	d, err := ParseDemand(strings.NewReader("\ufeffcentrumgemeente_statcode,jaar,geregistreerd_dakloos,doel_woonplekken,bron\ngm0014,2023,,300,x\n"), "v.csv")
	if err != nil || d["GM0014"].Registered != nil || *d["GM0014"].Target != 300 {
		t.Errorf("comma file: %v %+v", err, d)
	}
	if n := len(DefaultDemand()); n != 5 {
		t.Errorf("default demand has %d regions, want the 5 sourced ones", n)
	}
}

func FuzzParseDemand(f *testing.F) {
	f.Add(string(defaultDemandCSV))
	f.Add("centrumgemeente_statcode;jaar;geregistreerd_dakloos;doel_woonplekken;bron\nGM0001;;;;\n")
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDemand(strings.NewReader(s), "f.csv")
		if err == nil {
			for code, x := range d {
				if x.Centrumgemeente != code || (x.Registered != nil && x.Target == nil) {
					t.Fatalf("inconsistent %q: %+v", code, x)
				}
			}
		}
	})
}

// TestSensitivity: three sites in one region, two criteria of weight 50,
// top N = 2. s1 (100, 100) is always first. s2 (90, 0) beats s3 (0, 80)
// while 90 w_a > 80 w_b, i.e. w_b/w_a < 9/8; one weight alone moved by 20%
// (a × 0.8 or b × 1.2) breaks that, so s2 depends on both weights: flagged.
func TestSensitivity(t *testing.T) {
	p := &Profile{Name: "t", Use: Flex, Criteria: []Criterion{{Name: "a", Weight: 50}, {Name: "b", Weight: 50}}}
	mk := func(id string, a, b float64, rank int) Result {
		r := Result{SiteID: id, Use: Flex, Eligible: true, Centrumgemeente: "R", RankInRegion: rank,
			Criteria: []CriterionResult{{Name: "a", Normalised: a}, {Name: "b", Normalised: b}}}
		r.Score = rescore([]float64{a, b}, []float64{50, 50})
		return r
	}
	set := &ScoreSet{Profile: p, Use: Flex, Results: []Result{mk("s1", 100, 100, 1), mk("s2", 90, 0, 2), mk("s3", 0, 80, 3)}}
	out := Sensitivity(set, SensitivityOptions{TopN: 2, Iterations: 2000, Seed: 7})
	if len(out) != 2 || out[0].SiteID != "s1" || out[1].SiteID != "s2" {
		t.Fatalf("%+v", out)
	}
	if out[0].StayRate != 1 || out[0].Flagged {
		t.Errorf("s1: %+v", out[0])
	}
	if !out[1].Flagged || strings.Join(out[1].DependsOn, ",") != "a,b" {
		t.Errorf("s2: %+v", out[1])
	}
	// P(w_b <= 9/8 w_a) with both U(40,60): 0.75 (computed numerically); allow sampling noise.
	if out[1].StayRate < 0.71 || out[1].StayRate > 0.79 {
		t.Errorf("s2 stay rate %v, want about 0.75", out[1].StayRate)
	}
	again := Sensitivity(set, SensitivityOptions{TopN: 2, Iterations: 2000, Seed: 7})
	if again[1].StayRate != out[1].StayRate {
		t.Error("same seed, different answer")
	}
}

func TestExport(t *testing.T) {
	e := NewEngine(testLayers(), Options{})
	sites := []store.Site{kavel("a", 136000, 455400, 5000), kavel("b", 150100, 456100, 5000)}
	sites[0].Name = "Kavel; met puntkomma"
	set := scoreOne(t, e, sites, "flexwonen")
	rs := Ranked(set.Results)
	if rs[0].SiteID != "a" || rs[1].SiteID != "b" {
		t.Fatalf("order %s %s", rs[0].SiteID, rs[1].SiteID)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, rs, sites); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.HasPrefix(s, "\ufeffid;naam;soort;use;") || !strings.Contains(s, `"Kavel; met puntkomma"`) || !strings.Contains(s, "afstand_ov_contribution") || !strings.Contains(s, ";nee;") {
		t.Errorf("csv:\n%s", s)
	}
	if !strings.Contains(s, "79,1666") {
		t.Errorf("csv lacks the decimal-comma score 79,1666...:\n%s", s)
	}
	buf.Reset()
	if err := WriteGeoJSON(&buf, rs, sites); err != nil {
		t.Fatal(err)
	}
	var fc struct {
		Features []struct {
			ID       string `json:"id"`
			Geometry struct{ Coordinates []float64 }
			Props    map[string]any `json:"properties"`
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &fc); err != nil {
		t.Fatal(err)
	}
	f := fc.Features[0]
	if f.ID != "a" || f.Props["rank_in_region"].(float64) != 1 || len(f.Props["criteria"].([]any)) != 10 {
		t.Errorf("feature %+v", f)
	}
	lon, lat := f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]
	if lon < 5 || lon > 5.3 || lat < 52 || lat > 52.2 || math.Abs(lon*1e7-math.Round(lon*1e7)) > 1e-6 {
		t.Errorf("coordinates %v %v", lon, lat)
	}
	_ = orb.Point{}
}
