package api

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// testLayers builds 24 hand-made kandidaten: odd i are 40 m squares in
// Utrecht (GM0344), even i are points in Den Haag (GM0518); score = i/24,
// eligible when i is a multiple of 3. Feature 1 has a hole and feature 3 is
// stored clockwise, to test ring orientation.
func testLayers() []Layer {
	var fs []Feature
	for i := 1; i <= 24; i++ {
		props := map[string]any{
			"naam":     fmt.Sprintf("Locatie %02d", i),
			"score":    float64(i) / 24,
			"eligible": i%3 == 0,
		}
		var g orb.Geometry
		if i%2 == 1 {
			props["gemeente"], props["centrumgemeente"] = "GM0344", "GM0344"
			x, y := 136000+float64(i)*100, 455800+float64(i)*50
			ring := orb.Ring{{x, y}, {x + 40, y}, {x + 40, y + 40}, {x, y + 40}, {x, y}}
			if i == 3 {
				ring.Reverse()
			}
			poly := orb.Polygon{ring}
			if i == 1 {
				poly = append(poly, orb.Ring{{x + 10, y + 10}, {x + 20, y + 10}, {x + 20, y + 20}, {x + 10, y + 20}, {x + 10, y + 10}})
			}
			g = poly
		} else {
			props["gemeente"], props["centrumgemeente"] = "GM0518", "GM0518"
			g = orb.Point{81000 + float64(i)*100, 455000}
		}
		fs = append(fs, Feature{ID: fmt.Sprint(i), Geometry: g, Properties: props})
	}
	return []Layer{{
		Collection: Collection{
			ID: "kandidaten", Title: "Kandidaten", Description: "test sites",
			Properties: []Property{
				{Name: "naam", Type: TypeString},
				{Name: "gemeente", Type: TypeString, Description: "CBS code"},
				{Name: "centrumgemeente", Type: TypeString},
				{Name: "score", Type: TypeNumber},
				{Name: "eligible", Type: TypeBoolean},
			},
		},
		Features: fs,
	}, {
		Collection: Collection{ID: "leeg", Title: "Leeg"},
	}}
}

func newTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s, err := New(NewMemoryCatalog(Tables(testLayers()...)...), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t testing.TB, h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func decode[T any](t testing.TB, rec *httptest.ResponseRecorder) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %s: %v\n%s", rec.Result().Request.URL, err, rec.Body.String())
	}
	return v
}

type fcResp struct {
	Type     string `json:"type"`
	Features []struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	Links          []Link `json:"links"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
}

func (fc fcResp) link(rel string) string {
	for _, l := range fc.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func (fc fcResp) ids() []string {
	var out []string
	for _, f := range fc.Features {
		out = append(out, f.ID)
	}
	return out
}

// relative strips scheme and host so links can be replayed on the handler.
func relative(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return u
}
