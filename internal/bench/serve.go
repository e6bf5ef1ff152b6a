package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path/filepath"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
)

// Request kinds of the API load, in report order.
const (
	ReqBBoxRD    = "bbox RD"
	ReqBBoxCRS84 = "bbox CRS84"
	ReqCQL2      = "CQL2+bbox"
	ReqItem      = "item"
	ReqRegios    = "regios"
)

// RequestKinds lists the API request kinds in report order.
var RequestKinds = []string{ReqBBoxRD, ReqBBoxCRS84, ReqCQL2, ReqItem, ReqRegios}

// CQL2Filter is the filter of the CQL2 request (with a bbox).
const CQL2Filter = "oppervlakte_m2 > 5000"

const rdCRS = "http://www.opengis.net/def/crs/EPSG/0/28992"

// boxes returns k 5 km query boxes (RD New) centred on sites spread
// through the scene.
func (sc *Scene) boxes(k int) []orb.Bound {
	out := make([]orb.Bound, 0, k)
	for i := 0; i < k && len(sc.Sites) > 0; i++ {
		s := sc.Sites[(i*len(sc.Sites))/k]
		out = append(out, orb.Bound{Min: orb.Point{s.X - 2500, s.Y - 2500}, Max: orb.Point{s.X + 2500, s.Y + 2500}})
	}
	return out
}

// APIURLs returns per request kind the URLs the load cycles through: 16
// bbox pages (5 km, limit 100) on kavels in EPSG:28992 (bbox-crs) and in
// CRS84, the same boxes with a CQL2 filter, 16 single items and /regios.
func APIURLs(base string, sc *Scene, itemIDs []string) map[string][]string {
	m := map[string][]string{}
	for _, b := range sc.boxes(16) {
		rd := fmt.Sprintf("%.2f,%.2f,%.2f,%.2f", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
		lo, hi := geo.RDToWGS84(b.Min), geo.RDToWGS84(b.Max)
		wgs := fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", lo[0], lo[1], hi[0], hi[1])
		m[ReqBBoxRD] = append(m[ReqBBoxRD], base+"/collections/kavels/items?limit=100&bbox="+rd+"&bbox-crs="+url.QueryEscape(rdCRS))
		m[ReqBBoxCRS84] = append(m[ReqBBoxCRS84], base+"/collections/kavels/items?limit=100&bbox="+wgs)
		m[ReqCQL2] = append(m[ReqCQL2], base+"/collections/kavels/items?limit=100&bbox="+wgs+"&filter-lang=cql2-text&filter="+url.QueryEscape(CQL2Filter))
	}
	for _, id := range itemIDs {
		m[ReqItem] = append(m[ReqItem], base+"/collections/kavels/items/"+url.PathEscape(id))
	}
	m[ReqRegios] = []string{base + "/regios"}
	return m
}

// firstItemIDs reads up to n feature ids of the first page of kavels.
func firstItemIDs(ctx context.Context, base string, n int) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/collections/kavels/items?limit=%d", base, n), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read item ids: %w", err)
	}
	defer resp.Body.Close()
	var fc struct {
		Features []struct {
			ID json.RawMessage `json:"id"`
		} `json:"features"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&fc); err != nil {
		return nil, fmt.Errorf("read item ids: %w", err)
	}
	var ids []string
	for _, f := range fc.Features {
		var s string
		if json.Unmarshal(f.ID, &s) != nil {
			s = string(f.ID) // a number
		}
		ids = append(ids, s)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("read item ids: /collections/kavels/items returned no features")
	}
	return ids, nil
}

// meanFeatures GETs every URL once and returns the mean number of
// features per answer (0 for answers that are not feature collections), so
// that the report shows the pages were not empty.
func meanFeatures(ctx context.Context, urls []string) (float64, error) {
	total := 0
	for _, u := range urls {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if err != nil {
			return 0, err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, fmt.Errorf("GET %s: %w", u, err)
		}
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		err = json.NewDecoder(resp.Body).Decode(&fc)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("GET %s: %s", u, resp.Status)
		}
		if err == nil {
			total += len(fc.Features)
		}
	}
	return float64(total) / float64(max(len(urls), 1)), nil
}

func (c *Config) serve(ctx context.Context, sc *Scene, bin, db, dir string, r *SizeResult) error {
	n := len(sc.Sites)
	c.logf("%d sites: serve", n)
	srv, err := startServe(ctx, bin, db, filepath.Join(dir, "serve.log"), c.ReadyWait)
	if err != nil {
		return err
	}
	defer srv.Stop()
	r.ReadyAfter = srv.Ready
	if r.RSSReady, _, err = srv.Memory(); err != nil {
		return fmt.Errorf("read serve memory: %w", err)
	}
	c.logf("%d sites: ready after %s, VmRSS %d MB", n, r.ReadyAfter.Round(time.Millisecond), r.RSSReady>>20)
	if !c.SkipAPI {
		ids, err := firstItemIDs(ctx, srv.Base, 16)
		if err != nil {
			return err
		}
		urls := APIURLs(srv.Base, sc, ids)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // sample VmRSS under load
			defer wg.Done()
			t := time.NewTicker(200 * time.Millisecond)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					if rss, _, err := srv.Memory(); err == nil && rss > r.RSSLoad {
						r.RSSLoad = rss
					}
				}
			}
		}()
		for _, kind := range RequestKinds {
			page, err := meanFeatures(ctx, urls[kind])
			if err != nil {
				close(stop)
				wg.Wait()
				return err
			}
			lr, err := Load(ctx, urls[kind], c.Load)
			if err != nil {
				close(stop)
				wg.Wait()
				return err
			}
			r.API = append(r.API, APIResult{Kind: kind, LoadResult: lr, Features: page})
			c.logf("%d sites: %s: %.0f req/s, p50 %s, p99 %s, %d errors %s", n, kind, lr.RPS(),
				lr.P50.Round(time.Microsecond), lr.P99.Round(time.Microsecond), lr.Errors, lr.FirstError)
		}
		close(stop)
		wg.Wait()
	}
	if _, r.HWM, err = srv.Memory(); err != nil {
		return fmt.Errorf("read serve memory: %w", err)
	}
	return nil
}
