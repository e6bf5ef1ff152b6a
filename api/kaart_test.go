package api

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestKaartPage(t *testing.T) {
	h := newTestServer(t, Config{}).Handler()
	rec := get(t, h, "/kaart")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /kaart: %d\n%s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("GET /kaart: Content-Type %q", ct)
	}
	body := rec.Body.String()
	for _, want := range []string{
		`src="http://example.com/static/maplibre-gl.js?v=`,
		`href="http://example.com/static/maplibre-gl.css?v=`,
		`type="module" src="http://example.com/static/kaart.js?v=`,
		`data-base="http://example.com"`,
		`id="synthetisch"`,
		"CBS / Kadaster (PDOK), Gebiedsindelingen 2022 en 2024, CC BY 4.0",
		`<label for="regio">`, `<label for="min-score">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("GET /kaart lacks %q", want)
		}
	}
	if rec := get(t, h, "/kaart?regio=GM0344&gebruik=flex"); rec.Code != http.StatusOK {
		t.Errorf("GET /kaart?regio=..&gebruik=..: %d", rec.Code)
	}
	wantProblem(t, get(t, h, "/kaart?zoom=3"), http.StatusBadRequest, "zoom")

	// The landing page links to the map.
	if rec := get(t, h, "/?f=html"); !strings.Contains(rec.Body.String(), `href="http://example.com/kaart"`) {
		t.Errorf("landing page does not link to /kaart")
	}
}

func TestStaticFiles(t *testing.T) {
	h := newTestServer(t, Config{}).Handler()
	page := get(t, h, "/kaart").Body.String()
	versioned := func(name string) string {
		m := regexp.MustCompile(`/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]{16}`).FindString(page)
		if m == "" {
			t.Fatalf("/kaart does not link a versioned %s", name)
		}
		return m
	}
	tests := []struct {
		target, contentType, cache, contains string
	}{
		{versioned("maplibre-gl.js"), "text/javascript; charset=utf-8", cacheVersioned, "maplibregl"},
		{versioned("kaart.js"), "text/javascript; charset=utf-8", cacheVersioned, "fetchAll"},
		{versioned("maplibre-gl.css"), "text/css; charset=utf-8", cacheVersioned, ".maplibregl-map"},
		{versioned("kaart.css"), "text/css; charset=utf-8", cacheVersioned, ".panel"},
		{"/static/kaart.js", "text/javascript; charset=utf-8", cacheUnversioned, "fetchAll"},
		{"/static/kaart.js?v=0000000000000000", "text/javascript; charset=utf-8", cacheUnversioned, "fetchAll"},
		{"/static/maplibre-gl.LICENSE.txt", "text/plain; charset=utf-8", cacheUnversioned, "MapLibre"},
	}
	for _, tc := range tests {
		t.Run(tc.target, func(t *testing.T) {
			rec := get(t, h, tc.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("%d\n%s", rec.Code, rec.Body.String())
			}
			if got := rec.Header().Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if got := rec.Header().Get("Cache-Control"); got != tc.cache {
				t.Errorf("Cache-Control %q, want %q", got, tc.cache)
			}
			if !strings.Contains(rec.Body.String(), tc.contains) {
				t.Errorf("body lacks %q", tc.contains)
			}
			tag := rec.Header().Get("ETag")
			if !regexp.MustCompile(`^W/"[0-9a-f]{16}"$`).MatchString(tag) {
				t.Fatalf("ETag %q", tag)
			}
			again := get(t, h, tc.target, "If-None-Match", tag)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("If-None-Match %s: %d, %d bytes; want 304 and no body", tag, again.Code, again.Body.Len())
			}
		})
	}
	// The gzip middleware compresses the large bundle.
	if rec := get(t, h, versioned("maplibre-gl.js"), "Accept-Encoding", "gzip"); rec.Header().Get("Content-Encoding") != "gzip" {
		t.Errorf("maplibre-gl.js is not gzipped: %v", rec.Header())
	}
	for _, target := range []string{"/static/nope.js", "/static/", "/static/../server.go", "/static/static/kaart.js", "/static/%2e%2e/server.go"} {
		rec := get(t, h, target)
		if rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", target, rec.Code)
		}
		if cc := rec.Header().Get("Cache-Control"); cc != "" {
			t.Errorf("GET %s: 404 with Cache-Control %q", target, cc)
		}
	}
}
