package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"
)

// Problem is an RFC 9457 problem document. Parameter names the query
// parameter that was wrong, when there is one.
type Problem struct {
	Type      string `json:"type"`
	Title     string `json:"title"`
	Status    int    `json:"status"`
	Detail    string `json:"detail,omitempty"`
	Instance  string `json:"instance,omitempty"`
	Parameter string `json:"parameter,omitempty"`
}

func (p *Problem) Error() string {
	if p.Parameter != "" {
		return fmt.Sprintf("%d %s: parameter %s: %s", p.Status, p.Title, p.Parameter, p.Detail)
	}
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// contentTypeProblem is the media type of problem documents.
const contentTypeProblem = "application/problem+json"

// paramError reports a bad query parameter as a 400 problem.
func paramError(param, format string, args ...any) *Problem {
	return &Problem{
		Type:      "about:blank",
		Title:     "Invalid query parameter",
		Status:    http.StatusBadRequest,
		Detail:    fmt.Sprintf("parameter %q: ", param) + fmt.Sprintf(format, args...),
		Parameter: param,
	}
}

func notFound(format string, args ...any) *Problem {
	return &Problem{Type: "about:blank", Title: "Not Found", Status: http.StatusNotFound, Detail: fmt.Sprintf(format, args...)}
}

// errorHandler renders every error as a problem document.
func (s *Server) errorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	var p *Problem
	var he *echo.HTTPError
	switch {
	case errors.As(err, &p):
	case errors.As(err, &he):
		p = &Problem{Type: "about:blank", Title: http.StatusText(he.Code), Status: he.Code}
		if msg, ok := he.Message.(string); ok && msg != http.StatusText(he.Code) {
			p.Detail = msg
		}
		switch he.Code {
		case http.StatusNotFound:
			p.Detail = fmt.Sprintf("there is nothing at %s; start at the landing page /", c.Request().URL.Path)
		case http.StatusRequestEntityTooLarge:
			p.Detail = "the request body is larger than the server accepts"
		}
	case errors.Is(err, context.DeadlineExceeded):
		p = &Problem{Type: "about:blank", Title: http.StatusText(http.StatusServiceUnavailable), Status: http.StatusServiceUnavailable,
			Detail: "the request took longer than the server allows; narrow it with bbox, filter or limit"}
	default:
		s.log.ErrorContext(c.Request().Context(), "request failed", "method", c.Request().Method, "uri", c.Request().RequestURI, "error", err)
		p = &Problem{Type: "about:blank", Title: http.StatusText(http.StatusInternalServerError), Status: http.StatusInternalServerError,
			Detail: "internal error; the server log has the details"}
	}
	p.Instance = c.Request().URL.RequestURI()
	if p.Status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="plekwijzer"`)
	}
	c.Response().Header().Set(echo.HeaderContentType, contentTypeProblem)
	c.Response().Header().Del("ETag")
	c.Response().WriteHeader(p.Status)
	if c.Request().Method == http.MethodHead {
		return
	}
	_ = writeJSONBody(c.Response(), p)
}
