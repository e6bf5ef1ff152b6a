package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
)

// Limits of the limit parameter when Config leaves them zero.
const (
	DefaultLimit    = 100
	DefaultMaxLimit = 10000
)

// Config configures a Server. The zero value serves on :8080 with open reads
// and no writes.
type Config struct {
	Addr    string // listen address for Run, default ":8080"
	BaseURL string // public URL of the landing page without trailing slash; empty: derived from each request

	Token        string // bearer token for writes (any method but GET, HEAD, OPTIONS); empty: writes are refused
	ProtectReads bool   // also require Token for reads (health checks stay open)

	DefaultLimit int // items per page without a limit parameter, default 100
	MaxLimit     int // larger limits are clamped to this, default 10000

	RequestTimeout  time.Duration // default 60s
	ShutdownTimeout time.Duration // default 10s
	BodyLimit       string        // echo size syntax, default "64M"
	CORSOrigins     []string      // default ["*"]

	Title       string // landing page title, default "plekwijzer"
	Description string

	Logger *slog.Logger // access and error log, default slog.Default()
	// Ready reports whether the service can answer (for /readyz); default:
	// the catalog lists its collections.
	Ready func(ctx context.Context) error
}

func (c *Config) defaults() {
	if c.Addr == "" {
		c.Addr = ":8080"
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	if c.DefaultLimit <= 0 {
		c.DefaultLimit = DefaultLimit
	}
	if c.MaxLimit <= 0 {
		c.MaxLimit = DefaultMaxLimit
	}
	if c.DefaultLimit > c.MaxLimit {
		c.DefaultLimit = c.MaxLimit
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 60 * time.Second
	}
	if c.ShutdownTimeout <= 0 {
		c.ShutdownTimeout = 10 * time.Second
	}
	if c.BodyLimit == "" {
		c.BodyLimit = "64M"
	}
	if len(c.CORSOrigins) == 0 {
		c.CORSOrigins = []string{"*"}
	}
	if c.Title == "" {
		c.Title = "plekwijzer"
	}
	if c.Description == "" {
		c.Description = "Vacant public buildings and plots in the Netherlands, scored for flexwoningen and transformatie into homes for homeless people, per centrumgemeente."
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// Server is the OGC API - Features server.
type Server struct {
	cfg      Config
	cat      Catalog
	e        *echo.Echo
	log      *slog.Logger
	registry *prometheus.Registry
	pages    *pages
	// paths are OpenAPI path items of routes registered outside this
	// package's own (see DocumentPaths).
	paths map[string]any
	// writers are the response buffers of streamed GeoJSON (*bufio.Writer).
	writers sync.Pool
}

// New builds a server reading from cat.
func New(cat Catalog, cfg Config) (*Server, error) {
	if cat == nil {
		return nil, errors.New("api: nil catalog")
	}
	cfg.defaults()
	pg, err := newPages()
	if err != nil {
		return nil, fmt.Errorf("api: templates: %w", err)
	}
	s := &Server{cfg: cfg, cat: cat, log: cfg.Logger, registry: prometheus.NewRegistry(), pages: pg}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = s.errorHandler
	s.e = e
	if err := s.middleware(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

func (s *Server) routes() {
	e := s.e
	e.GET("/", s.handleLanding)
	e.GET("/conformance", s.handleConformance)
	e.GET("/api", s.handleOpenAPI)
	e.GET("/collections", s.handleCollections)
	e.GET("/collections/:collectionId", s.handleCollection)
	e.GET("/collections/:collectionId/items", s.handleItems)
	e.GET("/collections/:collectionId/items/:featureId", s.handleItem)
	e.GET("/collections/:collectionId/queryables", s.handleQueryables)
	e.GET("/healthz", s.handleHealthz)
	e.GET("/readyz", s.handleReadyz)
	e.GET("/metrics", s.handleMetrics())
	s.registerMap()
}

// Echo returns the underlying echo instance, to register extra routes
// (e.g. POST /imports or /regios/{code}); they share all middleware:
// logging, metrics, auth (writes need the token), timeouts and problem errors.
// Handlers may return *Problem values for RFC 9457 errors.
func (s *Server) Echo() *echo.Echo { return s.e }

// DocumentPaths adds OpenAPI path items (path -> path item object) for
// routes registered through Echo, so that /api stays a complete description.
// Call it before serving.
func (s *Server) DocumentPaths(paths map[string]any) {
	if s.paths == nil {
		s.paths = map[string]any{}
	}
	for k, v := range paths {
		s.paths[k] = v
	}
}

// Handler returns the server as an http.Handler (for httptest).
func (s *Server) Handler() http.Handler { return headAsGet(s.e) }

// headAsGet answers HEAD as GET (RFC 9110: the same status and headers, no
// body). The routes see a GET; the response writer still belongs to the
// HEAD request, so net/http sends no body.
func headAsGet(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			get := r.Clone(r.Context())
			get.Method = http.MethodGet
			r = get
		}
		h.ServeHTTP(w, r)
	})
}

// Registry returns the server's Prometheus registry, to add collectors.
func (s *Server) Registry() *prometheus.Registry { return s.registry }

// Run listens on Config.Addr and serves until ctx ends, then shuts down
// gracefully, waiting at most Config.ShutdownTimeout for open requests.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("api: listen on %s: %w", s.cfg.Addr, err)
	}
	return s.Serve(ctx, ln)
}

// Serve serves on ln until ctx ends, then shuts down gracefully.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		// A request body (an upload of at most BodyLimit) must arrive within
		// ReadTimeout and a response (a whole-collection download) be sent
		// within WriteTimeout: slow clients cannot hold connections forever.
		ReadTimeout:  5 * time.Minute,
		WriteTimeout: 10 * time.Minute,
		IdleTimeout:  120 * time.Second,
		ErrorLog:     slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving OGC API - Features", "addr", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("api: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("api: shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("api: serve: %w", err)
	}
	return nil
}

// baseURL is the public URL of the landing page, without trailing slash.
func (s *Server) baseURL(c echo.Context) string {
	if s.cfg.BaseURL != "" {
		return s.cfg.BaseURL
	}
	return c.Scheme() + "://" + c.Request().Host
}

// collection finds a collection or returns a 404 problem.
func (s *Server) collection(c echo.Context) (Collection, error) {
	id := c.Param("collectionId")
	cs, err := s.cat.Collections(c.Request().Context())
	if err != nil {
		return Collection{}, fmt.Errorf("list collections: %w", err)
	}
	for _, col := range cs {
		if col.ID == id {
			return col, nil
		}
	}
	names := make([]string, len(cs))
	for i, col := range cs {
		names[i] = col.ID
	}
	return Collection{}, notFound("there is no collection %q; the collections are: %s", id, strings.Join(names, ", "))
}
