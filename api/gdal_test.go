package api

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// requireGDAL skips without ogrinfo locally, but fails in CI (env CI set).
func requireGDAL(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("ogrinfo"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogrinfo not found on PATH in CI: install gdal-bin")
		}
		t.Skip("ogrinfo not on PATH")
	}
}

// logBuffer collects access-log lines to see what GDAL requested.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func startServer(t *testing.T, cfg Config) (string, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	cfg.Logger = slog.New(slog.NewTextHandler(logs, nil))
	s := newTestServer(t, cfg)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("graceful shutdown: %v", err)
		}
	})
	return "http://" + ln.Addr().String(), logs
}

func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "GDAL_HTTP_TIMEOUT=20", "CPL_VSIL_CURL_CACHE_SIZE=0", "GDAL_HTTP_UNSAFESSL=NO")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

var featureCountRE = regexp.MustCompile(`Feature Count: (\d+)`)

func featureCount(t *testing.T, out string) string {
	t.Helper()
	m := featureCountRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no feature count in:\n%s", out)
	}
	return m[1]
}

func TestGDALClient(t *testing.T) {
	requireGDAL(t)
	base, logs := startServer(t, Config{MaxLimit: 5, DefaultLimit: 5})

	out := run(t, "ogrinfo", "-ro", "-so", "OAPIF:"+base)
	if !strings.Contains(out, "kandidaten") || !strings.Contains(out, "leeg") {
		t.Fatalf("ogrinfo lists no collections:\n%s\nserver log:\n%s", out, logs)
	}

	// Page through the whole collection (max limit 5: at least 5 pages).
	out = run(t, "ogrinfo", "-ro", "-al", "-q", "OAPIF:"+base+"/collections/kandidaten")
	if n := strings.Count(out, "OGRFeature("); n != 24 {
		t.Errorf("ogrinfo read %d features, want 24 (numberMatched)\nserver log:\n%s", n, logs)
	}
	if !strings.Contains(logs.String(), "offset=20") {
		t.Errorf("GDAL did not page to offset 20; log:\n%s", logs)
	}

	// Attribute filter pushed to the server.
	out = run(t, "ogrinfo", "-ro", "-al", "-q", "OAPIF:"+base+"/collections/kandidaten", "-where", "gemeente = 'GM0344'")
	if n := strings.Count(out, "OGRFeature("); n != 12 {
		t.Errorf("-where gemeente = 'GM0344': %d features, want 12", n)
	}
	if !strings.Contains(logs.String(), "gemeente") {
		t.Errorf("the filter was not sent to the server; log:\n%s", logs)
	}
	t.Logf("GDAL requests with a filter: %s", grepLines(logs.String(), "gemeente"))

	// Spatial filter pushed as bbox.
	out = run(t, "ogrinfo", "-ro", "-al", "-q", "OAPIF:"+base+"/collections/kandidaten", "-spat", "5.0", "52.0", "5.3", "52.2")
	if n := strings.Count(out, "OGRFeature("); n != 12 {
		t.Errorf("-spat Utrecht: %d features, want 12", n)
	}

	// Save to GeoPackage and read the count back.
	dir := t.TempDir()
	gpkg := filepath.Join(dir, "out.gpkg")
	run(t, "ogr2ogr", "-f", "GPKG", gpkg, "OAPIF:"+base, "kandidaten")
	if got := featureCount(t, run(t, "ogrinfo", "-ro", "-so", gpkg, "kandidaten")); got != "24" {
		t.Errorf("ogr2ogr GeoPackage has %s features, want 24", got)
	}

	// Our own GeoPackage download, opened by GDAL.
	resp, err := http.Get(base + "/collections/kandidaten/items?f=gpkg&gemeente=GM0344")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(body, []byte("SQLite format 3\x00")) {
		t.Fatalf("gpkg download: %d %q", resp.StatusCode, body[:min(len(body), 20)])
	}
	dl := filepath.Join(dir, "download.gpkg")
	if err := os.WriteFile(dl, body, 0o600); err != nil {
		t.Fatal(err)
	}
	info := run(t, "ogrinfo", "-ro", "-al", "-so", dl)
	if got := featureCount(t, info); got != "12" {
		t.Errorf("downloaded GeoPackage has %s features, want 12", got)
	}
	if !strings.Contains(info, "28992") || !strings.Contains(info, "Polygon") {
		t.Errorf("downloaded GeoPackage lacks RD New or polygon type:\n%s", info)
	}
	if strings.Contains(info, "Warning") || strings.Contains(info, "ERROR") {
		t.Errorf("GDAL complains about the GeoPackage:\n%s", info)
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			if i := strings.Index(l, "uri="); i >= 0 {
				l = l[i:]
				if j := strings.Index(l, " status="); j >= 0 {
					l = l[:j]
				}
			}
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

func TestGeoPackageHeader(t *testing.T) {
	layers := testLayers()
	dir := t.TempDir()
	path := filepath.Join(dir, "k.gpkg")
	fs := make([]*Feature, len(layers[0].Features))
	for i := range layers[0].Features {
		fs[i] = &layers[0].Features[i]
	}
	if err := WriteGeoPackage(context.Background(), path, layers[0].Collection, Features(fs), "EPSG:28992"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var appID, version, n int
	var blob []byte
	if err := db.QueryRow("PRAGMA application_id").Scan(&appID); err != nil {
		t.Fatal(err)
	}
	_ = db.QueryRow("PRAGMA user_version").Scan(&version)
	_ = db.QueryRow(`SELECT count(*) FROM kandidaten`).Scan(&n)
	_ = db.QueryRow(`SELECT geom FROM kandidaten WHERE feature_id = '2'`).Scan(&blob)
	if appID != 0x47504B47 || version != 10300 || n != 24 {
		t.Errorf("application_id %x user_version %d rows %d", appID, version, n)
	}
	if len(blob) < 40 || string(blob[:2]) != "GP" || blob[3] != 0x03 || blob[4] != 0x40 || blob[5] != 0x71 {
		t.Errorf("geometry header % x", blob[:min(len(blob), 8)])
	}
}
