package api

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{"5,52,5.2,52.2", "1,2,3,4,5,6", "", ",,,", "NaN,1,2,3", "1e309,0,0,0", "-180,-90,180,90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := parseBBox(s)
		if err != nil {
			return
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
			t.Fatalf("parseBBox(%q) = %v: min above max", s, b)
		}
		for _, crs := range supportedCRS {
			_, _ = parseBBoxIn(b, crs)
		}
	})
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"gemeente = 'GM0344'", "score > 0.5 AND NOT eligible = true", "S_INTERSECTS(geometry, BBOX(5,52,5.2,52.2))",
		"S_INTERSECTS(geometry, POLYGON((5 52, 6 52, 6 53, 5 52)))", "naam LIKE '%a_'", "x IN (", "'",
	} {
		f.Add(s)
	}
	coll := testLayers()[0].Collection
	f.Fuzz(func(t *testing.T, s string) {
		for _, crs := range supportedCRS {
			flt, err := parseFilter(s, crs, coll)
			if err != nil {
				if p, ok := err.(*Problem); !ok || p.Parameter != "filter" {
					t.Fatalf("parseFilter(%q) error %v does not name filter", s, err)
				}
				continue
			}
			for _, ft := range testLayers()[0].Features {
				flt.Match(featureRecord{&ft})
			}
		}
	})
}

// FuzzItemsQuery runs the whole items handler on arbitrary query strings:
// every answer must be 200 or a 4xx problem, never a panic or a 500.
func FuzzItemsQuery(f *testing.F) {
	for _, s := range []string{
		"limit=5&offset=3", "bbox=5,52,5.2,52.2&crs=EPSG:28992", "filter=score%3E0.5&sortby=-naam",
		"f=csv&decimal=comma", "f=html", "gemeente=GM0344&eligible=true", "limit=abc", "%zz", "bbox-crs=EPSG:4326&bbox=52,5,53,6",
		"filter=S_INTERSECTS(geometry,POINT(5.1 52.1))&filter-crs=OGC:CRS84",
	} {
		f.Add(s)
	}
	s := newTestServer(f, Config{MaxLimit: 10})
	f.Fuzz(func(t *testing.T, q string) {
		req := httptest.NewRequest(http.MethodGet, "/collections/kandidaten/items", nil)
		req.URL.RawQuery = q
		req.RequestURI = req.URL.RequestURI()
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK && (rec.Code < 400 || rec.Code >= 500) {
			t.Fatalf("?%s: status %d\n%s", q, rec.Code, rec.Body.String())
		}
	})
}
