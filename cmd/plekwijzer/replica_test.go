package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/internal/pgtest"
	"github.com/plekwijzer/plekwijzer/store"
)

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// status returns the HTTP status of GET url, 0 when nothing answers.
func status(url string) int {
	c := http.Client{Timeout: 2 * time.Second}
	res, err := c.Get(url)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// TestTwoReplicasSeeANewImport runs two stateless serve replicas against
// one PostGIS database and imports through the CLI: both serve the new
// site within a few seconds, without a restart.
func TestTwoReplicasSeeANewImport(t *testing.T) {
	dsn := pgtest.DSN(t)
	first := writeFile(t, "rvb.csv", inventory)
	if code, out, errOut := plek(t, "import", "gebouwen", first, "--db", dsn); code != exitOK {
		t.Fatalf("first import: exit %d\n%s%s", code, out, errOut)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	addrs := []string{freeAddr(t), freeAddr(t)}
	logs := make([]strings.Builder, len(addrs))
	for i, addr := range addrs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var out strings.Builder
			run(ctx, []string{"serve", "--db", dsn, "--addr", addr, "--ververs", "200ms"}, &out, &logs[i])
		}()
	}
	defer func() { cancel(); wg.Wait() }()
	waitFor := func(what string, ok func() bool) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for !ok() {
			if time.Now().After(deadline) {
				cancel()
				wg.Wait()
				t.Fatalf("%s: not within 30 s; replica logs:\n%s\n---\n%s", what, logs[0].String(), logs[1].String())
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, addr := range addrs {
		waitFor("replica "+addr+" ready", func() bool { return status("http://"+addr+"/readyz") == http.StatusOK })
	}
	id := store.SiteID(store.Gebouw, "nieuw", "2201-0099")
	for _, addr := range addrs {
		if got := status("http://" + addr + "/collections/gebouwen/items/" + id); got != http.StatusNotFound {
			t.Fatalf("replica %s serves the site before its import: %d", addr, got)
		}
	}
	second := writeFile(t, "nieuw.csv", "Bouwwerkcode;Naam;X;Y\n2201-0099;Nieuw pand;136000;456000\n")
	if code, out, errOut := plek(t, "import", "gebouwen", second, "--db", dsn, "--bron", "nieuw"); code != exitOK {
		t.Fatalf("second import: exit %d\n%s%s", code, out, errOut)
	}
	start := time.Now()
	for _, addr := range addrs {
		waitFor(fmt.Sprintf("replica %s serves the new site", addr), func() bool {
			return status("http://"+addr+"/collections/gebouwen/items/"+id) == http.StatusOK
		})
	}
	t.Logf("both replicas serve the new import %v after it landed", time.Since(start).Round(10*time.Millisecond))
}
