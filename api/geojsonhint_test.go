package api

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// requireGeoJSONHint returns the validator script named by env
// PLEKWIJZER_GEOJSONHINT (see .ci/geojsonhint.sh). It skips when neither
// that nor CI is set, and fails in CI when the validator is missing.
func requireGeoJSONHint(t *testing.T) string {
	t.Helper()
	script := os.Getenv("PLEKWIJZER_GEOJSONHINT")
	if script == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("PLEKWIJZER_GEOJSONHINT is not set in CI: run export PLEKWIJZER_GEOJSONHINT=$(bash .ci/geojsonhint.sh)")
		}
		t.Skip("PLEKWIJZER_GEOJSONHINT not set (export PLEKWIJZER_GEOJSONHINT=$(bash .ci/geojsonhint.sh))")
	}
	if _, err := os.Stat(script); err != nil {
		t.Fatalf("PLEKWIJZER_GEOJSONHINT: %v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("PLEKWIJZER_GEOJSONHINT is set but node is not on PATH: %v", err)
	}
	return script
}

// geojsonHint runs the validator on files and returns its output and
// whether it accepted them.
func geojsonHint(t *testing.T, script string, files ...string) (string, bool) {
	t.Helper()
	out, err := exec.Command("node", append([]string{script}, files...)...).CombinedOutput()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok && ee.ExitCode() == 1 {
			return string(out), false
		}
		t.Fatalf("node %s: %v\n%s", script, err, out)
	}
	return string(out), true
}

func TestGeoJSONHint(t *testing.T) {
	script := requireGeoJSONHint(t)
	dir := t.TempDir()

	// The validator must be able to fail: a clockwise exterior ring and an
	// old-style crs member.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[`+
		`{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[5,52],[5,52.1],[5.1,52.1],[5.1,52],[5,52]]]}}]}`), 0o600)
	if out, ok := geojsonHint(t, script, bad); ok || !strings.Contains(out, "right-hand rule") {
		t.Fatalf("the validator accepted a clockwise polygon:\n%s", out)
	}

	f := newDomainFixture(t)
	test := newTestServer(t, Config{})
	var files []string
	for _, tt := range []struct {
		name   string
		h      http.Handler
		target string
	}{
		// Polygons with a hole and one stored clockwise (fixture_test.go).
		{"kandidaten-holes", test.Handler(), "/collections/kandidaten/items?limit=100"},
		{"kandidaten-item-hole", test.Handler(), "/collections/kandidaten/items/1"},
		{"kandidaten-flexwonen", f.h(), "/collections/kandidaten-flexwonen/items"},
		{"kandidaten-transformatie", f.h(), "/collections/kandidaten-transformatie/items"},
		{"gebouwen-points", f.h(), "/collections/gebouwen/items"},
		{"ov_halte-points", f.h(), "/collections/laag-ov_halte/items"},
		{"natura2000", f.h(), "/collections/laag-natura2000/items"},
		{"gemeenten", f.h(), "/collections/gemeenten/items?limit=1000"},
		{"regios-multipolygons", f.h(), "/collections/regios/items?limit=1000"},
		{"empty", test.Handler(), "/collections/leeg/items"},
	} {
		rec := get(t, tt.h, tt.target)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", tt.target, rec.Code, rec.Body.String())
		}
		p := filepath.Join(dir, tt.name+".geojson")
		if err := os.WriteFile(p, rec.Body.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	if out, ok := geojsonHint(t, script, files...); !ok {
		t.Errorf("geojsonhint rejects our GeoJSON:\n%s", out)
	}
}
