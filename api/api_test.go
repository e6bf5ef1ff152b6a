package api

import (
	"encoding/json"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/geo"
)

func TestDiscoveryEndpoints(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, tt := range []struct{ path, ctype string }{
		{"/", mediaJSON}, {"/conformance", mediaJSON}, {"/api", mediaOpenAPI}, {"/collections", mediaJSON},
		{"/collections/kandidaten", mediaJSON}, {"/collections/kandidaten/queryables", mediaSchema},
		{"/collections/kandidaten/items/3", mediaGeoJSON}, {"/healthz", mediaJSON}, {"/readyz", mediaJSON},
		{"/collections/", mediaJSON}, // trailing slash tolerated
	} {
		rec := get(t, s.Handler(), tt.path)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.ctype) {
			t.Errorf("GET %s: %d %s, want 200 %s\n%s", tt.path, rec.Code, rec.Header().Get("Content-Type"), tt.ctype, rec.Body.String())
		}
	}
	land := decode[landingJSON](t, get(t, s.Handler(), "/"))
	rels := map[string]bool{}
	for _, l := range land.Links {
		rels[l.Rel] = true
	}
	for _, r := range []string{"self", "service-desc", "service-doc", "conformance", "data"} {
		if !rels[r] {
			t.Errorf("landing page lacks a %s link", r)
		}
	}
	col := decode[collectionJSON](t, get(t, s.Handler(), "/collections/kandidaten"))
	if col.StorageCRS != geo.RDNew.URI() || len(col.CRS) != 3 || col.CRS[0] != geo.CRS84.URI() {
		t.Errorf("collection crs = %v, storageCrs = %s", col.CRS, col.StorageCRS)
	}
	bb := col.Extent.Spatial.BBox[0]
	if bb[0] < 4.2 || bb[2] > 5.2 || bb[1] < 52.0 || bb[3] > 52.2 || bb[0] >= bb[2] {
		t.Errorf("extent %v is not around Den Haag and Utrecht", bb)
	}
	q := decode[map[string]any](t, get(t, s.Handler(), "/collections/kandidaten/queryables"))
	props := q["properties"].(map[string]any)
	if props["score"].(map[string]any)["type"] != "number" || props["geometry"] == nil {
		t.Errorf("queryables = %v", props)
	}
	api := decode[map[string]any](t, get(t, s.Handler(), "/api"))
	limit := api["components"].(map[string]any)["parameters"].(map[string]any)["limit"].(map[string]any)["schema"].(map[string]any)
	if limit["maximum"].(float64) != DefaultMaxLimit || limit["default"].(float64) != DefaultLimit {
		t.Errorf("limit schema = %v", limit)
	}
	if _, ok := api["paths"].(map[string]any)["/collections/kandidaten/items"]; !ok {
		t.Error("OpenAPI lacks the per-collection items path")
	}
	if rec := get(t, s.Handler(), "/collections/bestaatniet"); rec.Code != 404 || rec.Header().Get("Content-Type") != contentTypeProblem {
		t.Errorf("unknown collection: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	if rec := get(t, s.Handler(), "/collections/kandidaten/items/999"); rec.Code != 404 {
		t.Errorf("unknown feature: %d", rec.Code)
	}
}

func TestPagingCoversCollection(t *testing.T) {
	s := newTestServer(t, Config{MaxLimit: 7})
	for _, tt := range []struct {
		query   string
		matched int
	}{
		{"", 24}, {"gemeente=GM0344", 12}, {"eligible=true", 8},
		{"filter=gemeente%20%3D%20'GM0518'%20AND%20score%20%3E%200.5", 6},
		{"sortby=-score&limit=5", 24}, {"limit=1000000", 24},
	} {
		next := "/collections/kandidaten/items?" + tt.query
		seen := map[string]bool{}
		pages := 0
		for next != "" {
			fc := decode[fcResp](t, get(t, s.Handler(), next))
			if fc.NumberMatched != tt.matched {
				t.Fatalf("%s: numberMatched = %d, want %d", next, fc.NumberMatched, tt.matched)
			}
			if fc.NumberReturned != len(fc.Features) || len(fc.Features) > 7 {
				t.Fatalf("%s: numberReturned %d, %d features", next, fc.NumberReturned, len(fc.Features))
			}
			for _, id := range fc.ids() {
				if seen[id] {
					t.Fatalf("%s: feature %s seen twice", tt.query, id)
				}
				seen[id] = true
			}
			if pages > 0 && fc.link("prev") == "" {
				t.Errorf("%s: page %d has no prev link", tt.query, pages)
			}
			next = fc.link("next")
			if next != "" {
				u, _ := url.Parse(next)
				orig, _ := url.ParseQuery(tt.query)
				for k := range orig {
					if k != "limit" && u.Query().Get(k) != orig.Get(k) {
						t.Errorf("next link %s lost %s", next, k)
					}
				}
				next = relative(next)
			}
			pages++
		}
		if len(seen) != tt.matched {
			t.Errorf("%s: paged through %d features, numberMatched %d", tt.query, len(seen), tt.matched)
		}
	}
}

func TestSortBy(t *testing.T) {
	s := newTestServer(t, Config{})
	fc := decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?sortby=-score&limit=3"))
	if got := fc.ids(); !slices.Equal(got, []string{"24", "23", "22"}) {
		t.Errorf("sortby=-score: %v", got)
	}
	fc = decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?sortby=gemeente,-naam&limit=2"))
	if got := fc.ids(); !slices.Equal(got, []string{"23", "21"}) {
		t.Errorf("sortby=gemeente,-naam: %v", got)
	}
	fc = decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?limit=3"))
	if got := fc.ids(); !slices.Equal(got, []string{"1", "2", "3"}) {
		t.Errorf("default order: %v", got)
	}
}

func TestCRSRoundTrip(t *testing.T) {
	s := newTestServer(t, Config{})
	crs84 := decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?limit=100"))
	rdRec := get(t, s.Handler(), "/collections/kandidaten/items?limit=100&crs=EPSG:28992")
	if h := rdRec.Header().Get("Content-Crs"); h != "<http://www.opengis.net/def/crs/EPSG/0/28992>" {
		t.Errorf("Content-Crs = %q", h)
	}
	rd := decode[fcResp](t, rdRec)
	latlon := decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?limit=100&crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4326")))
	if len(rd.Features) != 24 || len(crs84.Features) != 24 || len(latlon.Features) != 24 {
		t.Fatal("missing features")
	}
	for i := range rd.Features {
		a, b, c := points(t, crs84.Features[i].Geometry), points(t, rd.Features[i].Geometry), points(t, latlon.Features[i].Geometry)
		if len(a) != len(b) || len(a) != len(c) {
			t.Fatalf("feature %s: point counts differ", rd.Features[i].ID)
		}
		for j := range a {
			back := geo.WGS84ToRD(a[j])
			if d := math.Hypot(back[0]-b[j][0], back[1]-b[j][1]); d > 1 {
				t.Errorf("feature %s point %d: CRS84 %v -> RD %v is %.2f m from served RD %v", rd.Features[i].ID, j, a[j], back, d, b[j])
			}
			if c[j][0] != a[j][1] || c[j][1] != a[j][0] {
				t.Errorf("EPSG:4326 point %v is not CRS84 %v swapped", c[j], a[j])
			}
			if a[j][1] < 51 || a[j][1] > 53 || a[j][0] < 3 || a[j][0] > 7 {
				t.Errorf("CRS84 point %v is not lon/lat in the Netherlands", a[j])
			}
		}
	}
	if rec := get(t, s.Handler(), "/collections/kandidaten/items/1?crs=EPSG:28992"); rec.Header().Get("Content-Crs") == "" || !strings.Contains(rec.Body.String(), "136100") {
		t.Errorf("item in RD: %s", rec.Body.String())
	}
}

// points flattens the coordinates of a GeoJSON geometry.
func points(t *testing.T, raw json.RawMessage) []orb.Point {
	t.Helper()
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if err := json.Unmarshal(raw, &g); err != nil {
		t.Fatal(err)
	}
	var out []orb.Point
	var walk func(v any)
	walk = func(v any) {
		arr, ok := v.([]any)
		if !ok {
			return
		}
		if len(arr) >= 2 {
			if x, ok := arr[0].(float64); ok {
				out = append(out, orb.Point{x, arr[1].(float64)})
				return
			}
		}
		for _, e := range arr {
			walk(e)
		}
	}
	var v any
	_ = json.Unmarshal(g.Coordinates, &v)
	walk(v)
	return out
}

func TestBBox(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"bbox=5.0,52.0,5.3,52.2", 12}, // Utrecht: odd features
		{"bbox=4.2,52.0,4.4,52.2", 12}, // Den Haag: even features
		{"bbox=52.0,5.0,52.2,5.3&bbox-crs=EPSG:4326", 12},
		{"bbox=135000,455000,137000,457000&bbox-crs=EPSG:28992", 5}, // squares 1,3,5,7,9 (x0 = 136000+100i <= 137000)
		{"bbox=81150,454990,81250,455010&bbox-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/28992"), 1}, // point 2 at 81200
		{"bbox=6,53,7,54", 0},
		{"bbox=5.0,52.0,5.3,52.2&eligible=true", 4}, // 3, 9, 15, 21
	} {
		fc := decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?"+tt.query))
		if fc.NumberMatched != tt.want {
			t.Errorf("%s: %d matched, want %d", tt.query, fc.NumberMatched, tt.want)
		}
	}
}

func TestCQL2Filter(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, tt := range []struct {
		filter string
		extra  string
		want   int
	}{
		{"gemeente = 'GM0344'", "", 12},
		{"gemeente = 'GM0518' AND score > 0.5", "&filter-lang=cql2-text", 6},
		{"eligible = true OR naam LIKE 'Locatie 0%'", "&filter-lang=cql-text", 13}, // 8 eligible + 1,2,4,5,7,8 = 14? see below
		{"naam IN ('Locatie 01', 'Locatie 24') AND NOT eligible = false", "", 1},
		{"score BETWEEN 0.25 AND 0.5", "", 7}, // i = 6..12
		{"S_INTERSECTS(geometry, BBOX(5.0,52.0,5.3,52.2))", "", 12},
		{"S_INTERSECTS(geometry, BBOX(135000,455000,137000,457000))", "&filter-crs=EPSG:28992", 5},
		{"S_INTERSECTS(geometry, POINT(136115 455865))", "&filter-crs=EPSG:28992", 0}, // inside the hole of 1
		{"S_INTERSECTS(geometry, POINT(136105 455855))", "&filter-crs=EPSG:28992", 1},
		{"S_INTERSECTS(geometry, POLYGON((81150 454990, 81450 454990, 81450 455010, 81150 455010, 81150 454990)))", "&filter-crs=EPSG:28992", 2}, // points 2 (81200) and 4 (81400),
	} {
		if strings.HasPrefix(tt.filter, "eligible = true OR") {
			// eligible: 3,6,9,12,15,18,21,24; names 'Locatie 0x': 1..9 -> union = 1..9 plus 12,15,18,21,24 = 14
			tt.want = 14
		}
		rec := get(t, s.Handler(), "/collections/kandidaten/items?filter="+url.QueryEscape(tt.filter)+tt.extra)
		if rec.Code != 200 {
			t.Errorf("%s: %d %s", tt.filter, rec.Code, rec.Body.String())
			continue
		}
		if fc := decode[fcResp](t, rec); fc.NumberMatched != tt.want {
			t.Errorf("%s: %d matched, want %d", tt.filter, fc.NumberMatched, tt.want)
		}
	}
}

func TestBadParameters(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, tt := range []struct{ path, param string }{
		{"/collections/kandidaten/items?filter=" + url.QueryEscape("gemeente = "), "filter"},
		{"/collections/kandidaten/items?filter=" + url.QueryEscape("onbekend = 1"), "filter"},
		{"/collections/kandidaten/items?filter=" + url.QueryEscape("score = 'hoog'"), "filter"},
		{"/collections/kandidaten/items?filter-lang=cql2-json", "filter-lang"},
		{"/collections/kandidaten/items?bbox=1,2,3", "bbox"},
		{"/collections/kandidaten/items?bbox=5,52,4,53", "bbox"},
		{"/collections/kandidaten/items?bbox=a,b,c,d", "bbox"},
		{"/collections/kandidaten/items?bbox=500,52,600,53", "bbox"},
		{"/collections/kandidaten/items?bbox-crs=EPSG:3857&bbox=1,2,3,4", "bbox-crs"},
		{"/collections/kandidaten/items?crs=EPSG:3857", "crs"},
		{"/collections/kandidaten/items?limit=abc", "limit"},
		{"/collections/kandidaten/items?limit=0", "limit"},
		{"/collections/kandidaten/items?offset=-1", "offset"},
		{"/collections/kandidaten/items?sortby=hoogte", "sortby"},
		{"/collections/kandidaten/items?eligible=misschien", "eligible"},
		{"/collections/kandidaten/items?score=veel", "score"},
		{"/collections/kandidaten/items?foo=bar", "foo"},
		{"/collections/kandidaten/items?f=xml", "f"},
		{"/collections/kandidaten/items?decimal=semicolon", "decimal"},
		{"/collections?limit=3", "limit"},
		{"/?x=1", "x"},
		{"/collections/kandidaten/items/1?bbox=1,2,3,4", "bbox"},
	} {
		rec := get(t, s.Handler(), tt.path)
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != contentTypeProblem {
			t.Errorf("%s: %d %s, want 400 problem", tt.path, rec.Code, rec.Header().Get("Content-Type"))
			continue
		}
		p := decode[Problem](t, rec)
		if p.Parameter != tt.param || p.Status != 400 || !strings.Contains(p.Detail, tt.param) {
			t.Errorf("%s: problem %+v does not name %s", tt.path, p, tt.param)
		}
	}
}

func TestLimitClamped(t *testing.T) {
	s := newTestServer(t, Config{MaxLimit: 10})
	fc := decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?limit=50"))
	if fc.NumberReturned != 10 || !strings.Contains(fc.link("next"), "limit=10") {
		t.Errorf("limit=50 with max 10: returned %d, next %s", fc.NumberReturned, fc.link("next"))
	}
	fc = decode[fcResp](t, get(t, s.Handler(), "/collections/kandidaten/items?limit=99999999999999999999"))
	if fc.NumberReturned != 10 {
		t.Errorf("huge limit: returned %d", fc.NumberReturned)
	}
}

func TestETag(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/collections/kandidaten/items?limit=5", "/collections", "/collections/kandidaten/items/2"} {
		rec := get(t, s.Handler(), path)
		tag := rec.Header().Get("ETag")
		if tag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		again := get(t, s.Handler(), path, "If-None-Match", tag)
		if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
			t.Errorf("%s with If-None-Match: %d, %d bytes", path, again.Code, again.Body.Len())
		}
		if other := get(t, s.Handler(), path, "If-None-Match", `W/"other"`); other.Code != 200 {
			t.Errorf("%s with another tag: %d", path, other.Code)
		}
	}
	// A new snapshot changes the items ETag.
	cat := NewMemoryCatalog(Tables(testLayers()...)...)
	s2, _ := New(cat, Config{Logger: s.log})
	tag := get(t, s2.Handler(), "/collections/kandidaten/items").Header().Get("ETag")
	cat.Replace(Tables(testLayers()[:1]...)...)
	if rec := get(t, s2.Handler(), "/collections/kandidaten/items", "If-None-Match", tag); rec.Code != 200 {
		t.Errorf("after Replace: %d, want 200", rec.Code)
	}
}

func TestGzip(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := get(t, s.Handler(), "/collections/kandidaten/items", "Accept-Encoding", "gzip")
	if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("ETag") == "" {
		t.Errorf("gzip: encoding %q etag %q", rec.Header().Get("Content-Encoding"), rec.Header().Get("ETag"))
	}
}

func TestCSV(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := get(t, s.Handler(), "/collections/kandidaten/items?f=csv&decimal=comma&gemeente=GM0344")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.HasPrefix(body, "\uFEFFid;naam;gemeente;centrumgemeente;score;eligible;geometrie_wkt\r\n") {
		t.Fatalf("csv header: %d %q", rec.Code, body[:min(len(body), 120)])
	}
	lines := strings.Split(strings.TrimSpace(body), "\r\n")
	if len(lines) != 13 { // header + 12 Utrecht features, no paging for downloads
		t.Errorf("csv has %d lines, want 13", len(lines))
	}
	if !strings.HasPrefix(lines[1], "1;Locatie 01;GM0344;GM0344;0,041666666666666664;false;POLYGON((") {
		t.Errorf("csv row: %s", lines[1])
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/csv") {
		t.Errorf("content type %s", rec.Header().Get("Content-Type"))
	}
}

func TestHTML(t *testing.T) {
	s := newTestServer(t, Config{})
	for _, path := range []string{"/", "/collections", "/collections/kandidaten", "/collections/kandidaten/items?limit=5", "/collections/kandidaten/items/1", "/conformance", "/api", "/collections/kandidaten/queryables"} {
		rec := get(t, s.Handler(), path, "Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
		if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") || !strings.Contains(rec.Body.String(), "</html>") {
			t.Errorf("%s as HTML: %d %s", path, rec.Code, rec.Header().Get("Content-Type"))
		}
	}
	rec := get(t, s.Handler(), "/collections/kandidaten/items?f=html&limit=5")
	if !strings.Contains(rec.Body.String(), "Locatie 05") || !strings.Contains(rec.Body.String(), "offset=5") {
		t.Errorf("items HTML lacks rows or next link")
	}
}

// TestGeoJSONRFC7946 checks the output structurally: closed rings of 4+
// positions, exterior rings counter-clockwise and holes clockwise, lon/lat
// in range, at most 7 decimals, no crs member.
func TestGeoJSONRFC7946(t *testing.T) {
	s := newTestServer(t, Config{})
	rec := get(t, s.Handler(), "/collections/kandidaten/items?limit=100")
	var raw map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if _, ok := raw["crs"]; ok {
		t.Error("CRS84 output has a crs member")
	}
	for _, f := range raw["features"].([]any) {
		fm := f.(map[string]any)
		g := fm["geometry"].(map[string]any)
		switch g["type"] {
		case "Polygon":
			for i, r := range g["coordinates"].([]any) {
				ring := orb.Ring{}
				for _, p := range r.([]any) {
					pp := p.([]any)
					ring = append(ring, orb.Point{pp[0].(float64), pp[1].(float64)})
				}
				if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
					t.Errorf("feature %v ring %d not closed", fm["id"], i)
				}
				want := orb.CCW
				if i > 0 {
					want = orb.CW
				}
				if ring.Orientation() != want {
					t.Errorf("feature %v ring %d orientation %v, want %v", fm["id"], i, ring.Orientation(), want)
				}
			}
		case "Point":
		default:
			t.Errorf("unexpected geometry type %v", g["type"])
		}
	}
	for _, num := range strings.FieldsFunc(rec.Body.String(), func(r rune) bool { return r == '[' || r == ']' || r == ',' }) {
		if i := strings.IndexByte(num, '.'); i >= 0 && strings.Trim(num[i+1:], "0123456789") == "" && len(num)-i-1 > 7 && strings.HasPrefix(num, "5") {
			t.Errorf("coordinate %s has more than 7 decimals", num)
		}
	}
}

func TestAuth(t *testing.T) {
	s := newTestServer(t, Config{Token: "geheim", ProtectReads: true})
	s.Echo().POST("/imports", func(c echoContext) error { return c.NoContent(http.StatusCreated) })
	post := func(auth string) int {
		req := httptestRequest(http.MethodPost, "/imports", auth)
		rec := newRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec.Code
	}
	if got := post(""); got != http.StatusUnauthorized {
		t.Errorf("POST without token: %d", got)
	}
	if got := post("Bearer fout"); got != http.StatusUnauthorized {
		t.Errorf("POST with wrong token: %d", got)
	}
	if got := post("Bearer geheim"); got != http.StatusCreated {
		t.Errorf("POST with token: %d", got)
	}
	if rec := get(t, s.Handler(), "/collections"); rec.Code != http.StatusUnauthorized {
		t.Errorf("protected read without token: %d", rec.Code)
	}
	if rec := get(t, s.Handler(), "/collections", "Authorization", "Bearer geheim"); rec.Code != 200 {
		t.Errorf("protected read with token: %d", rec.Code)
	}
	if rec := get(t, s.Handler(), "/healthz"); rec.Code != 200 {
		t.Errorf("healthz must stay open: %d", rec.Code)
	}
	open := newTestServer(t, Config{})
	open.Echo().POST("/imports", func(c echoContext) error { return c.NoContent(http.StatusCreated) })
	rec := newRecorder()
	open.Handler().ServeHTTP(rec, httptestRequest(http.MethodPost, "/imports", ""))
	if rec.Code != http.StatusForbidden {
		t.Errorf("POST without configured token: %d, want 403", rec.Code)
	}
}

func TestMetrics(t *testing.T) {
	s := newTestServer(t, Config{})
	get(t, s.Handler(), "/collections")
	rec := get(t, s.Handler(), "/metrics")
	if !strings.Contains(rec.Body.String(), `plekwijzer_http_requests_total{code="200",method="GET",route="/collections"} 1`) {
		t.Errorf("metrics lack the request counter:\n%.2000s", rec.Body.String())
	}
}

func TestHeadAnswersLikeGet(t *testing.T) {
	srv := newTestServer(t, Config{})
	for _, target := range []string{"/", "/collections", "/collections/kandidaten/items?limit=2", "/collections/kandidaten/items/2", "/api"} {
		get := httptest.NewRecorder()
		srv.Handler().ServeHTTP(get, httptest.NewRequest(http.MethodGet, target, nil))
		head := httptest.NewRecorder()
		srv.Handler().ServeHTTP(head, httptest.NewRequest(http.MethodHead, target, nil))
		if head.Code != get.Code || head.Header().Get("Content-Type") != get.Header().Get("Content-Type") {
			t.Errorf("HEAD %s: %d %s; GET: %d %s", target, head.Code, head.Header().Get("Content-Type"), get.Code, get.Header().Get("Content-Type"))
		}
	}
}
