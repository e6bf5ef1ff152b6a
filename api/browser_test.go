package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/store"
)

// findChromium returns the headless browser, skipping the test without one
// unless CI is set (CI installs Debian's chromium package and must run it).
func findChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed, and CI is set: apt-get install chromium")
	}
	t.Skip("chromium not installed (apt-get install chromium); set CI to make this a failure")
	return ""
}

// chromiumFlags are the flags of every browser run: headless, offline,
// software WebGL (SwiftShader) for maplibre, a throwaway profile.
func chromiumFlags(t *testing.T) []string {
	return []string{"--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
		"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + t.TempDir(), "--window-size=1280,800"}
}

// serveMapFixture serves the domain fixture plus one synthetic kavel (a
// source named "synthetisch", as the demo's) on a free local port.
func serveMapFixture(t *testing.T) (base string, h http.Handler) {
	t.Helper()
	f := newDomainFixture(t)
	mustImport(t, f.st, "synthetisch.csv", "Kenmerk;Naam;Eigenaar;WKT\n"+
		"S-1;[SYNTHETISCH] Kavel Utrecht;gemeente;POLYGON((134000 455000,134100 455000,134100 455100,134000 455100,134000 455000))\n",
		importers.Options{Kind: store.RunKavels})
	if err := f.dom.Refresh(context.Background()); err != nil {
		t.Fatal(err)
	}
	return serveOnLoopback(t, f.srv), f.h()
}

// countMatched is numberMatched of a collection query on h.
func countMatched(t *testing.T, h http.Handler, target string) int {
	t.Helper()
	rec := get(t, h, target)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", target, rec.Code, rec.Body.String())
	}
	return decode[fcResp](t, rec).NumberMatched
}

// statusAttrs are the data-* attributes of the page's status element.
var statusRe = regexp.MustCompile(`<p id="status"[^>]*>`)
var attrRe = regexp.MustCompile(`data-([a-z-]+)="([^"]*)"`)

func statusAttrs(dom string) map[string]string {
	out := map[string]string{}
	for _, m := range attrRe.FindAllStringSubmatch(statusRe.FindString(dom), -1) {
		out[m[1]] = m[2]
	}
	return out
}

// TestKaartBrowser loads /kaart in headless Chromium with the DOM dumped
// after the scripts ran: the data must be fetched, counted and filtered by
// the regio in the URL, and the SYNTHETISCH banner shown.
func TestKaartBrowser(t *testing.T) {
	chromium := findChromium(t)
	base, h := serveMapFixture(t)

	total := countMatched(t, h, "/collections/kandidaten-flexwonen/items?f=json") +
		countMatched(t, h, "/collections/kandidaten-transformatie/items?f=json")
	inUtrecht := countMatched(t, h, "/collections/kandidaten-flexwonen/items?f=json&centrumgemeente=GM0344") +
		countMatched(t, h, "/collections/kandidaten-transformatie/items?f=json&centrumgemeente=GM0344")
	regions := countMatched(t, h, "/collections/regios/items?f=json")
	gemeenten := countMatched(t, h, "/collections/gemeenten/items?f=json")
	if total < 6 || inUtrecht == 0 || inUtrecht == total {
		t.Fatalf("fixture: %d candidates, %d in GM0344; want some in and some outside", total, inUtrecht)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append(chromiumFlags(t), "--virtual-time-budget=15000", "--dump-dom", base+"/kaart?regio=GM0344")
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, tail(stderr.String(), 2000))
	}
	dom := string(out)
	st := statusAttrs(dom)
	want := map[string]string{
		"state":             "klaar",
		"loaded-candidates": strconv.Itoa(total),
		"shown-candidates":  strconv.Itoa(inUtrecht),
		"loaded-regions":    strconv.Itoa(regions),
		"loaded-gemeenten":  strconv.Itoa(gemeenten),
	}
	for k, v := range want {
		if st[k] != v {
			t.Errorf("status data-%s = %q, want %q (status: %v)", k, st[k], v, st)
		}
	}
	for _, s := range []string{
		`<option value="GM0344">Utrecht (GM0344)</option>`,
		`<option value="GM0363">Amsterdam (GM0363)</option>`,
		`<div id="synthetisch" class="banner" role="status">`, // no longer hidden
		"Kavel Utrecht", // in the top list
		"CBS / Kadaster (PDOK), Gebiedsindelingen 2022 en 2024, CC BY 4.0",
	} {
		if !strings.Contains(dom, s) {
			t.Errorf("DOM lacks %q", s)
		}
	}
	if strings.Contains(dom, "Kavel Amsterdam") {
		t.Errorf("regio=GM0344 still lists the Amsterdam kavel")
	}
	if t.Failed() {
		t.Logf("DOM:\n%s", tail(dom, 4000))
	}
}

// TestKaartScreenshot drives Chromium over the DevTools protocol (on a pipe,
// no websocket) until the map says it has drawn, checks that candidates were
// rendered, and saves a screenshot to $TMPDIR/kaart.png for people to look
// at. --screenshot with a virtual time budget cannot be used: maplibre
// parses the GeoJSON in web workers, which virtual time does not wait for.
func TestKaartScreenshot(t *testing.T) {
	chromium := findChromium(t)
	base, _ := serveMapFixture(t)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b, err := startCDP(ctx, t, chromium)
	if err != nil {
		t.Fatal(err)
	}
	var target struct{ TargetID string }
	if err := b.call("", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		t.Fatal(err)
	}
	var attached struct{ SessionID string }
	if err := b.call("", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &attached); err != nil {
		t.Fatal(err)
	}
	sess := attached.SessionID
	if err := b.call(sess, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.call(sess, "Page.navigate", map[string]any{"url": base + "/kaart"}, nil); err != nil {
		t.Fatal(err)
	}
	var st map[string]string
	deadline := time.Now().Add(60 * time.Second)
	for {
		var res struct {
			Result struct{ Value string }
		}
		err := b.call(sess, "Runtime.evaluate", map[string]any{"returnByValue": true,
			"expression": `(() => { const s = document.getElementById('status'); return s ? JSON.stringify(s.dataset) : '{}'; })()`}, &res)
		if err != nil {
			t.Fatal(err)
		}
		st = map[string]string{}
		_ = json.Unmarshal([]byte(res.Result.Value), &st)
		if st["map"] == "getekend" || st["state"] == "fout" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	var shot struct{ Data string }
	if err := b.call(sess, "Page.captureScreenshot", map[string]any{"format": "png"}, &shot); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(shot.Data)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(os.TempDir(), "kaart.png")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	_ = b.call("", "Browser.close", nil, nil)

	if st["map"] != "getekend" {
		t.Fatalf("the map did not finish drawing: status %v", st)
	}
	if n, _ := strconv.Atoi(st["renderedCandidates"]); n == 0 {
		t.Errorf("the map drew no candidates: status %v", st)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if bnd := img.Bounds(); bnd.Dx() != 1280 || bnd.Dy() != 800 {
		t.Errorf("screenshot is %v, want 1280x800", bnd)
	}
	// The map area (right of the 290 px controls) must show more than a
	// plain background: region fills, hatching, borders and points.
	colours := map[uint32]bool{}
	for y := 100; y < 760; y += 3 {
		for x := 300; x < 1270; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[r>>11<<10|g>>11<<5|bl>>11] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("the map area has only %d colours: it looks empty (see %s)", len(colours), path)
	}
}

// cdp is a minimal Chrome DevTools Protocol client over
// --remote-debugging-pipe: JSON messages separated by NUL bytes, written to
// the browser's fd 3 and read from its fd 4.
type cdp struct {
	w    io.Writer
	r    *bufio.Reader
	next int
}

func startCDP(ctx context.Context, t *testing.T, chromium string) (*cdp, error) {
	toR, toW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	fromR, fromW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, chromium, append(chromiumFlags(t), "--remote-debugging-pipe")...)
	cmd.ExtraFiles = []*os.File{toR, fromW} // fd 3 and fd 4
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start chromium: %w", err)
	}
	toR.Close()
	fromW.Close()
	t.Cleanup(func() {
		toW.Close()
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		fromR.Close()
		if t.Failed() {
			t.Logf("chromium stderr:\n%s", tail(stderr.String(), 2000))
		}
	})
	return &cdp{w: toW, r: bufio.NewReader(fromR)}, nil
}

// call sends one command and decodes its result into out, skipping events.
func (c *cdp) call(session, method string, params any, out any) error {
	c.next++
	msg := map[string]any{"id": c.next, "method": method}
	if params != nil {
		msg["params"] = params
	}
	if session != "" {
		msg["sessionId"] = session
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if _, err := c.w.Write(append(b, 0)); err != nil {
		return fmt.Errorf("cdp %s: %w", method, err)
	}
	for {
		line, err := c.r.ReadBytes(0)
		if err != nil {
			return fmt.Errorf("cdp %s: %w", method, err)
		}
		var resp struct {
			ID     int             `json:"id"`
			Result json.RawMessage `json:"result"`
			Error  *struct {
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal(line[:len(line)-1], &resp); err != nil {
			return fmt.Errorf("cdp %s: %w", method, err)
		}
		if resp.ID != c.next {
			continue // an event or an older reply
		}
		if resp.Error != nil {
			return fmt.Errorf("cdp %s: %w", method, errors.New(resp.Error.Message))
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(resp.Result, out)
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}
