package api

import (
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
)

type echoContext = echo.Context

func httptestRequest(method, target, auth string) *http.Request {
	req := httptest.NewRequest(method, target, nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	return req
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

// featureRecord adapts a materialised Feature to cql2.Record.
type featureRecord struct{ f *Feature }

func (r featureRecord) Property(name string) (any, bool) {
	v, ok := r.f.Properties[name]
	return v, ok
}

func (r featureRecord) Geometry() orb.Geometry { return r.f.Geometry }
