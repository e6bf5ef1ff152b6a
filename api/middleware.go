package api

import (
	"crypto/subtle"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// middleware installs the stack, outermost first: trailing-slash tolerance,
// recover, access log, metrics, CORS, body limit, auth, request timeout,
// gzip and ETag (inside gzip, so it hashes the plain body).
func (s *Server) middleware() error {
	e := s.e
	e.Pre(middleware.RemoveTrailingSlash())
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.ErrorContext(c.Request().Context(), "panic", "uri", c.Request().RequestURI, "error", err, "stack", string(stack))
			return fmt.Errorf("panic: %w", err)
		},
	}))
	e.Use(s.accessLog())
	m, err := s.metrics()
	if err != nil {
		return err
	}
	e.Use(m)
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  s.cfg.CORSOrigins,
		AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodOptions},
		AllowHeaders:  []string{echo.HeaderAuthorization, echo.HeaderContentType, headerIfNoneMatch, echo.HeaderAccept},
		ExposeHeaders: []string{"Content-Crs", "ETag", echo.HeaderContentDisposition},
	}))
	e.Use(middleware.BodyLimit(s.cfg.BodyLimit))
	e.Use(s.auth)
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: s.cfg.RequestTimeout}))
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		Skipper: func(c echo.Context) bool { return c.Path() == "/metrics" },
	}))
	e.Use(s.etag)
	return nil
}

func (s *Server) accessLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogMethod: true, LogURI: true, LogStatus: true, LogLatency: true, LogRemoteIP: true,
		LogUserAgent: true, LogResponseSize: true, LogError: true, HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method), slog.String("uri", v.URI), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("remote_ip", v.RemoteIP),
				slog.Int64("bytes", v.ResponseSize), slog.String("user_agent", v.UserAgent),
			}
			if v.Error != nil {
				attrs = append(attrs, slog.String("error", v.Error.Error()))
			}
			s.log.LogAttrs(c.Request().Context(), level, "http request", attrs...)
			return nil
		},
	})
}

// auth requires the bearer token for writes, and for reads when
// ProtectReads is set. Health checks and CORS preflights stay open.
func (s *Server) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m := c.Request().Method
		read := m == http.MethodGet || m == http.MethodHead
		if m == http.MethodOptions || (read && !s.cfg.ProtectReads) {
			return next(c)
		}
		if p := c.Path(); read && (p == "/healthz" || p == "/readyz") {
			return next(c)
		}
		if s.cfg.Token == "" {
			return &Problem{Type: "about:blank", Title: http.StatusText(http.StatusForbidden), Status: http.StatusForbidden,
				Detail: "this server has no token configured, so it accepts no changes"}
		}
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(s.cfg.Token)) != 1 {
			return &Problem{Type: "about:blank", Title: http.StatusText(http.StatusUnauthorized), Status: http.StatusUnauthorized,
				Detail: "send the configured token as the header 'Authorization: Bearer <token>'"}
		}
		return next(c)
	}
}
