package api

import (
	"net/http"
	"net/http/httptest"

	"github.com/labstack/echo/v4"
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
