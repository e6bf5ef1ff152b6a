package api

import (
	"context"
	"net/http"

	"github.com/labstack/echo/v4"
)

// handleHealthz answers 200 while the process serves requests (liveness).
func (s *Server) handleHealthz(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// handleReadyz answers 200 when the catalog (or Config.Ready) can answer,
// else 503 (readiness).
func (s *Server) handleReadyz(c echo.Context) error {
	ready := s.cfg.Ready
	if ready == nil {
		ready = func(ctx context.Context) error {
			_, err := s.cat.Collections(ctx)
			return err
		}
	}
	if err := ready(c.Request().Context()); err != nil {
		return &Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable,
			Detail: "not ready: " + err.Error()}
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}
