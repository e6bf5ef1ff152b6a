package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"sync"
	"time"
)

// LoadOptions bound a load run.
type LoadOptions struct {
	Connections int           // concurrent connections (default 32)
	Duration    time.Duration // how long to send requests (default 20 s)
	// Timeout is the most one request may take (default 10 s); the run
	// stops at Duration + Timeout at the latest, whatever the server does.
	Timeout time.Duration
}

func (o LoadOptions) withDefaults() LoadOptions {
	if o.Connections <= 0 {
		o.Connections = 32
	}
	if o.Duration <= 0 {
		o.Duration = 20 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 10 * time.Second
	}
	return o
}

// LoadResult is what a load run measured.
type LoadResult struct {
	Requests int
	Errors   int // transport errors and non-2xx answers
	Elapsed  time.Duration
	P50, P99 time.Duration
	// FirstError is the first error seen, for the report.
	FirstError string
}

// RPS is the number of successful requests per second.
func (r LoadResult) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// CheckLoopback returns an error unless target is an http URL on
// 127.0.0.1, ::1 or localhost: the load generator only loads this machine.
func CheckLoopback(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return fmt.Errorf("load target %q: %w", target, err)
	}
	h := u.Hostname()
	if u.Scheme != "http" || (h != "localhost" && !isLoopbackIP(h)) {
		return fmt.Errorf("load target %q: only http://127.0.0.1 targets are allowed", target)
	}
	return nil
}

func isLoopbackIP(h string) bool {
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// Load sends GET requests to the URLs (round robin per connection) from
// o.Connections connections for o.Duration, and measures latency. It stops
// at ctx's end, and in any case after o.Duration + o.Timeout.
func Load(ctx context.Context, urls []string, o LoadOptions) (LoadResult, error) {
	o = o.withDefaults()
	if len(urls) == 0 {
		return LoadResult{}, fmt.Errorf("load: no URLs")
	}
	for _, u := range urls {
		if err := CheckLoopback(u); err != nil {
			return LoadResult{}, err
		}
	}
	tr := &http.Transport{MaxIdleConns: o.Connections, MaxIdleConnsPerHost: o.Connections, MaxConnsPerHost: o.Connections, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: o.Timeout}
	hard, cancel := context.WithTimeout(ctx, o.Duration+o.Timeout)
	defer cancel()
	start := time.Now()
	end := start.Add(o.Duration)
	lat := make([][]time.Duration, o.Connections)
	errs := make([]int, o.Connections)
	first := make([]string, o.Connections)
	var wg sync.WaitGroup
	for c := 0; c < o.Connections; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			for i := c; time.Now().Before(end) && hard.Err() == nil; i++ {
				t := time.Now()
				err := get(hard, client, urls[i%len(urls)])
				if hard.Err() != nil && err != nil {
					return // stopped: not the server's fault
				}
				lat[c] = append(lat[c], time.Since(t))
				if err != nil {
					errs[c]++
					if first[c] == "" {
						first[c] = err.Error()
					}
				}
			}
		}(c)
	}
	wg.Wait()
	res := LoadResult{Elapsed: time.Since(start)}
	var all []time.Duration
	for c := range lat {
		all = append(all, lat[c]...)
		res.Errors += errs[c]
		if res.FirstError == "" {
			res.FirstError = first[c]
		}
	}
	res.Requests = len(all)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	res.P50, res.P99 = percentile(all, 0.50), percentile(all, 0.99)
	return res, nil
}

func get(ctx context.Context, client *http.Client, u string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("GET %s: %s", u, resp.Status)
	}
	return nil
}

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(q*float64(len(sorted))+0.5) - 1
	i = min(max(i, 0), len(sorted)-1)
	return sorted[i]
}
