package api

import (
	"errors"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics registers request counters and latency histograms, labelled by
// route pattern (not raw path, to bound cardinality), on the server's own
// registry, and returns the middleware that records them.
func (s *Server) metrics() (echo.MiddlewareFunc, error) {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Namespace: "plekwijzer", Subsystem: "http", Name: "requests_total",
		Help: "HTTP requests by method, route and status code.",
	}, []string{"method", "route", "code"})
	duration := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Namespace: "plekwijzer", Subsystem: "http", Name: "request_duration_seconds",
		Help:    "HTTP request latency by method and route.",
		Buckets: prometheus.DefBuckets,
	}, []string{"method", "route"})
	for _, c := range []prometheus.Collector{requests, duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{})} {
		if err := s.registry.Register(c); err != nil {
			return nil, err
		}
	}
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			err := next(c)
			status := c.Response().Status
			if err != nil {
				var p *Problem
				var he *echo.HTTPError
				switch {
				case errors.As(err, &p):
					status = p.Status
				case errors.As(err, &he):
					status = he.Code
				default:
					status = 500
				}
			}
			route := c.Path()
			if route == "" {
				route = "unmatched"
			}
			requests.WithLabelValues(c.Request().Method, route, strconv.Itoa(status)).Inc()
			duration.WithLabelValues(c.Request().Method, route).Observe(time.Since(start).Seconds())
			return err
		}
	}, nil
}

func (s *Server) handleMetrics() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{Registry: s.registry}))
}
