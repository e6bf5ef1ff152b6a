package api

import (
	"context"
	"net"
	"strings"
	"testing"
)

// TestGDALClientDomain points GDAL's OAPIF driver at the server of a real
// store (domain fixture): it lists the domain collections and pushes a
// filter on the scored candidates.
func TestGDALClientDomain(t *testing.T) {
	requireGDAL(t)
	f := newDomainFixture(t)
	base := serveOnLoopback(t, f.srv)

	out := run(t, "ogrinfo", "-ro", "-so", "OAPIF:"+base)
	for _, id := range []string{CollGebouwen, CollKavels, CollKandidatenFlex, CollKandidatenTransfor, CollGemeenten, CollRegios, "laag-ov_halte", "laag-natura2000"} {
		if !strings.Contains(out, id) {
			t.Errorf("ogrinfo does not list %s:\n%s", id, out)
		}
	}
	out = run(t, "ogrinfo", "-ro", "-al", "-q", "OAPIF:"+base+"/collections/"+CollKandidatenFlex, "-where", "centrumgemeente = 'GM0344'")
	if n := strings.Count(out, "OGRFeature("); n != 2 {
		t.Errorf("-where centrumgemeente = 'GM0344': %d features, want 2 (K-1, K-2)\n%s", n, out)
	}
	if !strings.Contains(out, "Kavel Natuur") || !strings.Contains(out, "Testnatuur") {
		t.Errorf("the knocked-out kavel and its zone are missing:\n%s", out)
	}
}

// serveOnLoopback serves srv on a free port of 127.0.0.1 until the test
// ends, then checks that it shut down gracefully; it returns the base URL.
func serveOnLoopback(t testing.TB, srv *Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("graceful shutdown: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}
