package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

// The domain fixture: a real in-memory store with the embedded gemeenten and
// regions, a small hand-written inventory and two context layers.
//
//   - gebouwen (RD points): U-1 in Utrecht, Z-1 east of Utrecht (Zeist side)
//   - kavels (RD squares, 100 x 100 m = 1 ha, 30 flexwoningen at 30/ha):
//     K-1 in Utrecht with an OV stop on it, K-2 inside the natura2000 test
//     polygon, K-3 in Amsterdam
//   - ov_halte: "Halte Kavel" inside K-1, "Halte Kantoor" 300 m east of U-1
//   - natura2000: one square "Testnatuur" around K-2
const (
	testToken = "geheim-token"

	fixtureGebouwen = "Bouwwerkcode;Naam;X;Y;BVO;Gebruiksdoel;Bouwjaar\n" +
		"U-1;Kantoor Utrecht;136000;456000;2000;kantoor;1975\n" +
		"Z-1;Kantoor Zeist;140000;454000;1500;kantoor;1990\n"

	fixtureKavels = "Kenmerk;Naam;Eigenaar;WKT\n" +
		"K-1;Kavel Utrecht;particulier;POLYGON((135000 457000,135100 457000,135100 457100,135000 457100,135000 457000))\n" +
		"K-2;Kavel Natuur;gemeente;POLYGON((137000 458000,137100 458000,137100 458100,137000 458100,137000 458000))\n" +
		"K-3;Kavel Amsterdam;gemeente;POLYGON((121000 487000,121100 487000,121100 487100,121000 487100,121000 487000))\n"

	fixtureHaltes = "Naam;X;Y\n" +
		"Halte Kavel;135050;457050\n" +
		"Halte Kantoor;136300;456000\n"

	fixtureNatura = "Naam;WKT\n" +
		"Testnatuur;POLYGON((136900 457900,137200 457900,137200 458200,136900 458200,136900 457900))\n"
)

// Source names are derived from the file names ("gebouwen.csv" -> "gebouwen").
var (
	idU1 = store.SiteID(store.Gebouw, "gebouwen", "U-1")
	idZ1 = store.SiteID(store.Gebouw, "gebouwen", "Z-1")
	idK1 = store.SiteID(store.Kavel, "kavels", "K-1")
	idK2 = store.SiteID(store.Kavel, "kavels", "K-2")
	idK3 = store.SiteID(store.Kavel, "kavels", "K-3")
)

type domainFixture struct {
	st  *store.Store
	dom *Domain
	srv *Server
}

func (f *domainFixture) h() http.Handler { return f.srv.Handler() }

func writeTestFile(t testing.TB, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func mustImport(t testing.TB, st *store.Store, name, content string, opts importers.Options) *store.Run {
	t.Helper()
	run, err := importers.Import(context.Background(), st, writeTestFile(t, name, content), opts)
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	if run.Status != store.RunOK || run.Rejected != 0 {
		t.Fatalf("import %s: run %+v", name, run)
	}
	return run
}

// fixtureStore opens a store with the defaults and the fixture inventory.
func fixtureStore(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := importers.ImportDefaults(ctx, st); err != nil {
		t.Fatal(err)
	}
	mustImport(t, st, "gebouwen.csv", fixtureGebouwen, importers.Options{Kind: store.RunGebouwen})
	mustImport(t, st, "kavels.csv", fixtureKavels, importers.Options{Kind: store.RunKavels})
	mustImport(t, st, "haltes.csv", fixtureHaltes, importers.Options{Kind: store.RunLaag, Layer: "ov_halte"})
	mustImport(t, st, "natura.csv", fixtureNatura, importers.Options{Kind: store.RunLaag, Layer: "natura2000"})
	return st
}

func newDomainFixture(t testing.TB) *domainFixture {
	t.Helper()
	st := fixtureStore(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// A fixed reference date keeps availability terms stable.
	dom, err := NewDomain(context.Background(), st, Scoring{ReferenceDate: time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(dom.Catalog(), Config{Token: testToken, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	dom.Register(srv)
	return &domainFixture{st: st, dom: dom, srv: srv}
}

// wantProblem checks a problem+json response with status and parameter.
func wantProblem(t testing.TB, rec *httptest.ResponseRecorder, status int, param string) Problem {
	t.Helper()
	if rec.Code != status || rec.Header().Get("Content-Type") != contentTypeProblem {
		t.Fatalf("got %d %s, want %d problem\n%s", rec.Code, rec.Header().Get("Content-Type"), status, rec.Body.String())
	}
	p := decode[Problem](t, rec)
	if p.Status != status {
		t.Errorf("problem status %d, want %d", p.Status, status)
	}
	if param != "" && (p.Parameter != param || !strings.Contains(p.Detail, param)) {
		t.Errorf("problem %+v does not name %q", p, param)
	}
	return p
}

func itemsByID(t testing.TB, h http.Handler, target string) map[string]map[string]any {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", target, rec.Code, rec.Body.String())
	}
	fc := decode[fcResp](t, rec)
	if fc.NumberReturned != len(fc.Features) || fc.NumberMatched != len(fc.Features) {
		t.Fatalf("GET %s: numberMatched %d, numberReturned %d, %d features (want all on one page)", target, fc.NumberMatched, fc.NumberReturned, len(fc.Features))
	}
	out := map[string]map[string]any{}
	for _, f := range fc.Features {
		out[f.ID] = f.Properties
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func TestDomainFixtureAssignment(t *testing.T) {
	// The fixture's expectations rest on where the sites fall: check it on
	// the store itself, so a wrong coordinate shows here and not as a
	// puzzling API failure.
	f := newDomainFixture(t)
	snap := f.dom.Snapshot()
	for _, tt := range []struct{ id, gemeente, cg string }{
		{idU1, "GM0344", "GM0344"},
		{idK1, "GM0344", "GM0344"},
		{idK2, "GM0344", "GM0344"},
		{idK3, "GM0363", "GM0363"},
	} {
		s, _, ok := snap.Site(tt.id)
		if !ok {
			t.Fatalf("site %s missing from the snapshot (have %d sites)", tt.id, len(snap.Sites))
		}
		if s.Gemeente != tt.gemeente || s.Centrumgemeente != tt.cg {
			t.Errorf("%s (%s): gemeente %s, centrumgemeente %s; want %s, %s", tt.id, s.Name, s.Gemeente, s.Centrumgemeente, tt.gemeente, tt.cg)
		}
	}
	if s, _, _ := snap.Site(idZ1); s.Centrumgemeente != "GM0344" {
		t.Errorf("Z-1 (%s): centrumgemeente %q, want GM0344 (Utrecht region)", s.Gemeente, s.Centrumgemeente)
	}
	if len(snap.Sites) != 5 {
		t.Errorf("%d sites, want 5", len(snap.Sites))
	}
}

func TestDomainCollections(t *testing.T) {
	f := newDomainFixture(t)
	rec := get(t, f.h(), "/collections")
	if rec.Code != http.StatusOK {
		t.Fatalf("/collections: %d", rec.Code)
	}
	var body struct {
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, c := range body.Collections {
		got[c.ID] = true
	}
	want := []string{CollGebouwen, CollKavels, CollKandidatenFlex, CollKandidatenTransfor, CollGemeenten, CollRegios,
		"laag-ov_halte", "laag-natura2000"}
	for _, id := range want {
		if !got[id] {
			t.Errorf("collection %s missing; have %v", id, sortedKeys(got))
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d collections, want %d: %v", len(got), len(want), sortedKeys(got))
	}
	// Every collection answers items, and the site counts are right.
	for id, n := range map[string]int{CollGebouwen: 2, CollKavels: 3, CollKandidatenFlex: 3, CollKandidatenTransfor: 2,
		"laag-ov_halte": 2, "laag-natura2000": 1} {
		if got := len(itemsByID(t, f.h(), "/collections/"+id+"/items?limit=1000")); got != n {
			t.Errorf("%s: %d items, want %d", id, got, n)
		}
	}
	nat := itemsByID(t, f.h(), "/collections/laag-natura2000/items")
	for _, p := range nat {
		if p["naam"] != "Testnatuur" || p["laag"] != "natura2000" {
			t.Errorf("natura2000 feature properties %v", p)
		}
	}
}

func TestDomainKandidaten(t *testing.T) {
	f := newDomainFixture(t)
	flex := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items?limit=1000")
	if got, want := sortedKeys(flex), sortedKeys(map[string]bool{idK1: true, idK2: true, idK3: true}); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("flex candidate ids %v, want the kavel site ids %v", got, want)
	}
	k2 := flex[idK2]
	if k2["eligible"] != false {
		t.Errorf("K-2 inside the natura2000 polygon: eligible %v, want false", k2["eligible"])
	}
	if ko, _ := k2["knockouts"].(string); !strings.Contains(ko, "Natura 2000") || !strings.Contains(ko, "Testnatuur") {
		t.Errorf("K-2 knockouts %q should name the Natura 2000 zone Testnatuur", ko)
	}
	if k2["rank_in_region"] != 0.0 {
		t.Errorf("K-2 is not eligible, rank %v, want 0", k2["rank_in_region"])
	}
	k1 := flex[idK1]
	if k1["eligible"] != true || k1["knockouts"] != "" {
		t.Errorf("K-1: eligible %v knockouts %q, want eligible without knock-outs", k1["eligible"], k1["knockouts"])
	}
	// 1 ha at 30 woningen/ha, 1 person per unit.
	if k1["capacity_units"] != 30.0 || k1["capacity_people"] != 30.0 {
		t.Errorf("K-1 capacity %v units %v people, want 30 and 30", k1["capacity_units"], k1["capacity_people"])
	}
	if k1["rank_in_region"] != 1.0 || k1["centrumgemeente"] != "GM0344" || k1["naam"] != "Kavel Utrecht" {
		t.Errorf("K-1: rank %v centrumgemeente %v naam %v", k1["rank_in_region"], k1["centrumgemeente"], k1["naam"])
	}
	var crit []map[string]any
	if err := json.Unmarshal([]byte(k1["criteria"].(string)), &crit); err != nil {
		t.Fatalf("criteria is not JSON: %v", err)
	}
	for _, c := range crit {
		if c["name"] == "afstand_ov" && (c["value"] != 0.0 || c["normalised"] != 100.0) {
			t.Errorf("K-1 has an OV stop on the plot: afstand_ov %v", c)
		}
	}

	// Property filter and CQL2 select the same: the eligible Utrecht kavels.
	elig := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items?eligible=true")
	if _, ok := elig[idK2]; ok || len(elig) != 2 {
		t.Errorf("eligible=true: %v, want K-1 and K-3", sortedKeys(elig))
	}
	cql := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items?filter="+url.QueryEscape("centrumgemeente = 'GM0344'"))
	if len(cql) != 2 || cql[idK1] == nil || cql[idK2] == nil {
		t.Errorf("CQL2 centrumgemeente = 'GM0344': %v, want K-1 and K-2", sortedKeys(cql))
	}
	both := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items?eligible=true&filter="+url.QueryEscape("centrumgemeente = 'GM0344' AND score > 0"))
	if len(both) != 1 || both[idK1] == nil {
		t.Errorf("eligible=true and CQL2: %v, want only K-1", sortedKeys(both))
	}
	tr := itemsByID(t, f.h(), "/collections/kandidaten-transformatie/items?filter="+url.QueryEscape("centrumgemeente = 'GM0344'"))
	if len(tr) != 2 || tr[idU1] == nil || tr[idZ1] == nil {
		t.Errorf("transformatie in GM0344: %v, want U-1 and Z-1", sortedKeys(tr))
	}

	// Feature ids are the site ids /locaties answers to.
	for id := range flex {
		if rec := get(t, f.h(), "/locaties/"+id); rec.Code != http.StatusOK {
			t.Errorf("/locaties/%s: %d", id, rec.Code)
		}
		if rec := get(t, f.h(), "/collections/kandidaten-flexwonen/items/"+id); rec.Code != http.StatusOK {
			t.Errorf("/collections/kandidaten-flexwonen/items/%s: %d", id, rec.Code)
		}
	}
}

type regionJSON struct {
	Centrumgemeente string          `json:"centrumgemeente"`
	Naam            string          `json:"centrumgemeente_naam"`
	Gemeenten       int             `json:"gemeenten"`
	Candidates      int             `json:"candidates"`
	Eligible        int             `json:"eligible"`
	CapacityPeople  int             `json:"capacity_people"`
	DemandStatus    string          `json:"demand_status"`
	Need            json.RawMessage `json:"need"`
	Target          json.RawMessage `json:"target"`
	Gap             json.RawMessage `json:"gap"`
}

func TestDomainRegions(t *testing.T) {
	f := newDomainFixture(t)
	members, err := f.st.Regions(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cgs := map[string]int{}
	for _, m := range members {
		cgs[m.Centrumgemeente]++
	}
	rec := get(t, f.h(), "/regios")
	if rec.Code != http.StatusOK {
		t.Fatalf("/regios: %d %s", rec.Code, rec.Body.String())
	}
	all := decode[struct {
		Regios []regionJSON `json:"regios"`
		Bron   string       `json:"bron"`
	}](t, rec)
	if len(all.Regios) != len(cgs) {
		t.Errorf("/regios has %d regions, the region table %d centrumgemeenten", len(all.Regios), len(cgs))
	}
	demand := matching.DefaultDemand()
	noData := 0
	for _, r := range all.Regios {
		if cgs[r.Centrumgemeente] != r.Gemeenten {
			t.Errorf("%s: %d gemeenten, the region table has %d", r.Centrumgemeente, r.Gemeenten, cgs[r.Centrumgemeente])
		}
		if _, known := demand[r.Centrumgemeente]; known {
			continue
		}
		noData++
		if r.DemandStatus != "geen gegevens" || string(r.Need) != "null" || string(r.Target) != "null" || string(r.Gap) != "null" {
			t.Errorf("%s without demand figures: status %q need %s target %s gap %s; want geen gegevens and nulls",
				r.Centrumgemeente, r.DemandStatus, r.Need, r.Target, r.Gap)
		}
	}
	if noData == 0 {
		t.Error("every region has demand figures: the 'geen gegevens' case is not covered")
	}
	if !strings.Contains(all.Bron, "CBS") {
		t.Errorf("bron %q should credit CBS", all.Bron)
	}

	for _, code := range []string{"GM0344", "gm0344"} {
		rec = get(t, f.h(), "/regios/"+code)
		if rec.Code != http.StatusOK {
			t.Fatalf("/regios/%s: %d %s", code, rec.Code, rec.Body.String())
		}
		r := decode[regionJSON](t, rec)
		// Utrecht region: K-1 (eligible, 30 people), K-2 (knocked out), U-1, Z-1.
		if r.Centrumgemeente != "GM0344" || r.Naam != "Utrecht" || r.Candidates != 4 || r.DemandStatus != "ok" {
			t.Errorf("/regios/%s: %+v", code, r)
		}
		if r.Gemeenten != cgs["GM0344"] {
			t.Errorf("/regios/%s: %d gemeenten, want %d", code, r.Gemeenten, cgs["GM0344"])
		}
	}
	p := wantProblem(t, get(t, f.h(), "/regios/GM9999"), http.StatusNotFound, "")
	if !strings.Contains(p.Detail, "GM9999") {
		t.Errorf("404 detail %q should name the code", p.Detail)
	}
	// The regios collection carries the same regions.
	if n := len(itemsByID(t, f.h(), "/collections/regios/items?limit=1000")); n != len(cgs) {
		t.Errorf("regios collection: %d features, want %d", n, len(cgs))
	}
}

type siteViewJSON struct {
	Locatie struct {
		Type     string `json:"type"`
		ID       string `json:"id"`
		Geometry struct {
			Type        string          `json:"type"`
			Coordinates json.RawMessage `json:"coordinates"`
		} `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"locatie"`
	Scores map[string]struct {
		ID        string           `json:"id"`
		Score     float64          `json:"score"`
		Eligible  bool             `json:"eligible"`
		Knockouts []string         `json:"knockouts"`
		Criteria  []map[string]any `json:"criteria"`
		Rank      int              `json:"rank_in_region"`
	} `json:"scores"`
}

func TestDomainSite(t *testing.T) {
	f := newDomainFixture(t)
	flex := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items")
	rec := get(t, f.h(), "/locaties/"+idK2)
	if rec.Code != http.StatusOK {
		t.Fatalf("/locaties/%s: %d %s", idK2, rec.Code, rec.Body.String())
	}
	v := decode[siteViewJSON](t, rec)
	// The site is a GeoJSON feature in CRS84 with the collection's properties.
	if v.Locatie.Type != "Feature" || v.Locatie.ID != idK2 || v.Locatie.Properties["naam"] != "Kavel Natuur" ||
		v.Locatie.Properties["centrumgemeente_naam"] != "Utrecht" || v.Locatie.Properties["soort"] != "kavel" {
		t.Errorf("locatie %+v", v.Locatie)
	}
	var rings [][][2]float64
	if g := v.Locatie.Geometry; g.Type != "Polygon" || json.Unmarshal(g.Coordinates, &rings) != nil || len(rings) != 1 || len(rings[0]) != 5 {
		t.Errorf("locatie geometry %s %s, want a CRS84 polygon of 5 positions", g.Type, g.Coordinates)
	} else if p := rings[0][0]; p[0] < 5.1 || p[0] > 5.2 || p[1] < 52.1 || p[1] > 52.15 {
		t.Errorf("locatie position %v is not CRS84 lon/lat in Utrecht", p)
	}
	fs, ok := v.Scores[string(matching.Flex)]
	if !ok {
		t.Fatalf("no flex score for a kavel: %s", rec.Body.String())
	}
	if fs.Eligible || len(fs.Knockouts) == 0 || fs.Score != flex[idK2]["score"] {
		t.Errorf("flex score %+v, collection says score %v", fs, flex[idK2]["score"])
	}
	// A gebouw has a transformatie score; the lead's profiles score no
	// gebouw for flex, so every use the snapshot scored a site for appears.
	v = decode[siteViewJSON](t, get(t, f.h(), "/locaties/"+idU1))
	if _, ok := v.Scores[string(matching.Transformatie)]; !ok {
		t.Errorf("gebouw U-1 has no transformatie score: %+v", v.Scores)
	}
	snap := f.dom.Snapshot()
	for use := range snap.Sets {
		for _, id := range []string{idU1, idK1} {
			_, i, _ := snap.Site(id)
			if _, ok := snap.Result(use, i); !ok {
				continue
			}
			v := decode[siteViewJSON](t, get(t, f.h(), "/locaties/"+id))
			if _, ok := v.Scores[string(use)]; !ok {
				t.Errorf("/locaties/%s lacks its %s score", id, use)
			}
		}
	}
	wantProblem(t, get(t, f.h(), "/locaties/g000000000000"), http.StatusNotFound, "")
	for _, target := range []string{"/locaties/" + idK2 + "?gebruik=flex", "/regios?f=html", "/regios/GM0344?x=1"} {
		p := wantProblem(t, get(t, f.h(), target), http.StatusBadRequest, "")
		if p.Parameter == "" {
			t.Errorf("%s: problem names no parameter", target)
		}
	}
}

// rescoreWant computes the score the engine should give with weights w,
// from the normalised subscores of the stored result: the weighted mean
// over the criteria with data.
func rescoreWant(t *testing.T, crit []map[string]any, w map[string]float64) float64 {
	t.Helper()
	var sum, sumW float64
	for _, c := range crit {
		if c["missing"] == true {
			continue
		}
		name := c["name"].(string)
		sum += w[name] * c["normalised"].(float64)
		sumW += w[name]
	}
	if sumW == 0 {
		t.Fatal("no criterion with data")
	}
	return sum / sumW
}

func TestDomainRescore(t *testing.T) {
	f := newDomainFixture(t)
	profiles, err := matching.DefaultProfiles()
	if err != nil {
		t.Fatal(err)
	}
	weights := map[string]float64{}
	for _, p := range profiles {
		if p.Use == matching.Flex {
			for _, c := range p.Criteria {
				weights[c.Name] = c.Weight
			}
		}
	}
	base := decode[struct {
		Score    float64          `json:"score"`
		Use      string           `json:"use"`
		Criteria []map[string]any `json:"criteria"`
		Rank     int              `json:"rank_in_region"`
	}](t, get(t, f.h(), "/locaties/"+idK1+"/score"))
	if base.Use != "flex" {
		t.Fatalf("a kavel rescores for flex by default, got %q", base.Use)
	}
	if got := rescoreWant(t, base.Criteria, weights); math.Abs(got-base.Score) > 0.01 {
		t.Fatalf("base score %v, weighted mean of the subscores %v", base.Score, got)
	}
	if base.Score >= 99.99 {
		t.Fatalf("K-1 scores %v: the fixture needs a weak criterion (eigenaar particulier) to see weights move it", base.Score)
	}
	// K-1 has an OV stop on the plot (afstand_ov 100): weighting it up
	// raises the score, weighting it to 0 lowers it.
	for _, tt := range []struct {
		w  float64
		up bool
	}{{200, true}, {0, false}} {
		target := "/locaties/" + idK1 + "/score?gebruik=flex&gewichten=afstand_ov:" + strconv.FormatFloat(tt.w, 'f', -1, 64)
		rec := get(t, f.h(), target)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", target, rec.Code, rec.Body.String())
		}
		r := decode[struct {
			Score float64 `json:"score"`
			Rank  int     `json:"rank_in_region"`
		}](t, rec)
		w := map[string]float64{}
		for k, v := range weights {
			w[k] = v
		}
		w["afstand_ov"] = tt.w
		if want := rescoreWant(t, base.Criteria, w); math.Abs(r.Score-want) > 0.01 {
			t.Errorf("%s: score %v, want %v", target, r.Score, want)
		}
		if (r.Score > base.Score) != tt.up || r.Score == base.Score {
			t.Errorf("%s: score %v from %v, want it to go up=%v", target, r.Score, base.Score, tt.up)
		}
		if r.Rank != 0 {
			t.Errorf("%s: rank %d, want 0 (no region rank for a rescore)", target, r.Rank)
		}
	}
	// The stored profile is untouched: the plain score and the collection
	// still show the original.
	again := decode[struct {
		Score float64 `json:"score"`
	}](t, get(t, f.h(), "/locaties/"+idK1+"/score"))
	if again.Score != base.Score {
		t.Errorf("after rescoring, the plain score is %v, was %v", again.Score, base.Score)
	}
	if got := itemsByID(t, f.h(), "/collections/kandidaten-flexwonen/items")[idK1]["score"]; got != base.Score {
		t.Errorf("collection score %v, want %v", got, base.Score)
	}
	if p := f.dom.Snapshot().Profiles[matching.Flex]; p.Criteria[1].Name == "afstand_ov" && p.Criteria[1].Weight != weights["afstand_ov"] {
		t.Errorf("stored profile weight changed to %v", p.Criteria[1].Weight)
	}

	for _, tt := range []struct{ query, param string }{
		{"gewichten=vliegveld:10", "gewichten"},
		{"gewichten=afstand_ov:veel", "gewichten"},
		{"gewichten=afstand_ov", "gewichten"},
		{"gewichten=afstand_ov:-5", "gewichten"},
		{"gebruik=wonen", "gebruik"},
		{"gebruik=transformatie", "gebruik"}, // a kavel is not scored for transformatie
		{"gewicht=afstand_ov:1", "gewicht"},
	} {
		rec := get(t, f.h(), "/locaties/"+idK1+"/score?"+tt.query)
		t.Run(tt.query, func(t *testing.T) { wantProblem(t, rec, http.StatusBadRequest, tt.param) })
	}
	p := wantProblem(t, get(t, f.h(), "/locaties/"+idK1+"/score?gewichten=vliegveld:10"), http.StatusBadRequest, "gewichten")
	if !strings.Contains(p.Detail, "vliegveld") || !strings.Contains(p.Detail, "afstand_ov") {
		t.Errorf("unknown criterion detail %q should name it and list the known ones", p.Detail)
	}
	wantProblem(t, get(t, f.h(), "/locaties/nergens/score"), http.StatusNotFound, "")
}

// upload builds a multipart POST /imports request.
func upload(t testing.TB, token string, fields map[string]string, fileName, content string) *http.Request {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if fileName != "" {
		fw, err := mw.CreateFormFile("file", fileName)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(fw, content)
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/imports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

func serve(h http.Handler, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

type runJSON struct {
	ID       int64  `json:"id"`
	Soort    string `json:"soort"`
	Status   string `json:"status"`
	Read     int    `json:"rijen_gelezen"`
	Imported int    `json:"rijen_geimporteerd"`
	Rejected int    `json:"rijen_geweigerd"`
	Fouten   []struct {
		Rij    int    `json:"rij"`
		Kolom  string `json:"kolom"`
		Waarde string `json:"waarde"`
	} `json:"fouten"`
}

const uploadCSV = "Bouwwerkcode;Naam;X;Y;BVO;Gebruiksdoel;Bouwjaar\n" +
	"N-1;Nieuw kantoor;136500;455500;900;kantoor;1985\n"

func TestDomainImportAuth(t *testing.T) {
	f := newDomainFixture(t)
	for _, tok := range []string{"", "fout"} {
		rec := serve(f.h(), upload(t, tok, map[string]string{"soort": "gebouwen"}, "nieuw.csv", uploadCSV))
		if rec.Code != http.StatusUnauthorized && rec.Code != http.StatusForbidden {
			t.Errorf("token %q: %d, want 401 or 403", tok, rec.Code)
		}
	}
	if n := len(itemsByID(t, f.h(), "/collections/gebouwen/items")); n != 2 {
		t.Errorf("an unauthorised import landed: %d gebouwen", n)
	}
}

func TestDomainImport(t *testing.T) {
	f := newDomainFixture(t)
	gen := f.dom.Snapshot().Generation
	rec := serve(f.h(), upload(t, testToken, map[string]string{"soort": "gebouwen"}, "nieuw.csv", uploadCSV))
	if rec.Code != http.StatusCreated {
		t.Fatalf("import: %d %s", rec.Code, rec.Body.String())
	}
	run := decode[runJSON](t, rec)
	if run.ID == 0 || run.Soort != "gebouwen" || run.Status != store.RunOK || run.Read != 1 || run.Imported != 1 || run.Rejected != 0 {
		t.Errorf("run %+v", run)
	}
	if f.dom.Snapshot().Generation == gen {
		t.Error("the snapshot was not rebuilt after the import")
	}
	newID := store.SiteID(store.Gebouw, "nieuw", "N-1")
	geb := itemsByID(t, f.h(), "/collections/gebouwen/items")
	if len(geb) != 3 || geb[newID] == nil || geb[newID]["naam"] != "Nieuw kantoor" {
		t.Errorf("gebouwen after the import: %v, want the new %s", sortedKeys(geb), newID)
	}
	if rec := get(t, f.h(), "/locaties/"+newID); rec.Code != http.StatusOK {
		t.Errorf("/locaties/%s after the import: %d", newID, rec.Code)
	}

	// One bad row: the rest lands, the row error names row and column.
	bad := uploadCSV + "N-2;Kapot kantoor;136600;455600;900;kantoor;19x5\n" + "N-3;Derde kantoor;136700;455700;700;kantoor;2001\n"
	rec = serve(f.h(), upload(t, testToken, map[string]string{"soort": "gebouwen", "bron": "nieuw"}, "nieuw2.csv", bad))
	if rec.Code != http.StatusCreated {
		t.Fatalf("import with a bad row: %d %s", rec.Code, rec.Body.String())
	}
	run = decode[runJSON](t, rec)
	if run.Status != store.RunOK || run.Imported != 2 || run.Rejected != 1 || len(run.Fouten) != 1 {
		t.Fatalf("run %+v", run)
	}
	if e := run.Fouten[0]; e.Rij != 3 || e.Kolom != "Bouwjaar" || e.Waarde != "19x5" {
		t.Errorf("row error %+v, want row 3 (header counted), column Bouwjaar, value 19x5", e)
	}
	if n := len(itemsByID(t, f.h(), "/collections/gebouwen/items")); n != 4 {
		t.Errorf("%d gebouwen after the partly bad import, want 4 (N-1 updated, N-3 new)", n)
	}

	// Dry run: 200, nothing new.
	before := f.dom.Snapshot()
	dry := "Bouwwerkcode;Naam;X;Y\nD-1;Droog;136800;455800\n"
	rec = serve(f.h(), upload(t, testToken, map[string]string{"soort": "gebouwen", "dry_run": "true"}, "droog.csv", dry))
	if rec.Code != http.StatusOK {
		t.Fatalf("dry run: %d %s", rec.Code, rec.Body.String())
	}
	if run = decode[runJSON](t, rec); run.Status != store.RunDryRun {
		t.Errorf("dry run status %q", run.Status)
	}
	if f.dom.Snapshot() != before {
		t.Error("a dry run rebuilt the snapshot")
	}
	if n := len(itemsByID(t, f.h(), "/collections/gebouwen/items")); n != 4 {
		t.Errorf("%d gebouwen after a dry run, want still 4", n)
	}
	if err := f.dom.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := len(f.dom.Snapshot().Sites); n != 7 {
		t.Errorf("%d sites after a dry run and refresh, want 7", n)
	}

	// Bad requests name the field.
	for _, tt := range []struct {
		name   string
		fields map[string]string
		file   string
		param  string
	}{
		{"no file", map[string]string{"soort": "gebouwen"}, "", "file"},
		{"no soort", map[string]string{}, "x.csv", "soort"},
		{"bad soort", map[string]string{"soort": "huizen"}, "x.csv", "soort"},
		{"bad dry_run", map[string]string{"soort": "gebouwen", "dry_run": "misschien"}, "x.csv", "dry_run"},
		{"bad crs", map[string]string{"soort": "gebouwen", "crs": "EPSG:3857"}, "x.csv", "crs"},
		{"laag without soort laag", map[string]string{"soort": "gebouwen", "laag": "ov_halte"}, "x.csv", "laag"},
		{"bad laag", map[string]string{"soort": "laag", "laag": "OV Halte"}, "x.csv", "laag"},
	} {
		rec := serve(f.h(), upload(t, testToken, tt.fields, tt.file, uploadCSV))
		t.Run(tt.name, func(t *testing.T) { wantProblem(t, rec, http.StatusBadRequest, tt.param) })
	}

	// A file missing a required column is refused with a 422 and the reason.
	rec = serve(f.h(), upload(t, testToken, map[string]string{"soort": "gebouwen"}, "leeg.csv", "Naam;Kleur\nA;rood\n"))
	if rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("file without coordinates: %d %s, want 422", rec.Code, rec.Body.String())
	}
}

func TestDomainRefresh(t *testing.T) {
	f := newDomainFixture(t)
	ctx := context.Background()
	gen := f.dom.Snapshot().Generation
	if err := f.dom.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if f.dom.Snapshot().Generation != gen {
		t.Error("Refresh without a change rebuilt the snapshot")
	}
	mustImport(t, f.st, "cli.csv", "Bouwwerkcode;Naam;X;Y;BVO\nC-1;Via de CLI;135500;455500;600\n", importers.Options{Kind: store.RunGebouwen})
	if err := f.dom.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if f.dom.Snapshot().Generation == gen {
		t.Fatal("Refresh did not pick up the import: generation unchanged")
	}
	id := store.SiteID(store.Gebouw, "cli", "C-1")
	if geb := itemsByID(t, f.h(), "/collections/gebouwen/items"); geb[id] == nil {
		t.Errorf("gebouwen after Refresh: %v, want %s", sortedKeys(geb), id)
	}
	if tr := itemsByID(t, f.h(), "/collections/kandidaten-transformatie/items"); tr[id] == nil {
		t.Errorf("kandidaten-transformatie after Refresh lacks %s", id)
	}

	// Watch refreshes on its own and stops with its context.
	mustImport(t, f.st, "cli2.csv", "Bouwwerkcode;Naam;X;Y\nC-2;Nog een;135600;455600\n", importers.Options{Kind: store.RunGebouwen})
	wctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.dom.Watch(wctx, time.Millisecond); close(done) }()
	id2 := store.SiteID(store.Gebouw, "cli2", "C-2")
	has := func() bool { _, _, ok := f.dom.Snapshot().Site(id2); return ok }
	for i := 0; i < 2000 && !has(); i++ {
		time.Sleep(time.Millisecond)
	}
	cancel()
	<-done
	if !has() {
		t.Error("Watch did not pick up the second import")
	}
}
