package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// TestOpenAPIDocumentIsValid loads /api of a server with the domain routes
// into a real OpenAPI 3 validator, and checks that every route the server
// answers is declared.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	f := newDomainFixture(t)
	rec := httptest.NewRecorder()
	f.h().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api?f=json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/api: %d %s", rec.Code, rec.Body)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(rec.Body.Bytes())
	if err != nil {
		t.Fatalf("load /api: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("/api is not a valid OpenAPI 3 document: %v", err)
	}
	for _, r := range f.srv.Echo().Routes() {
		p := openAPIPath(r.Path)
		if p == "/*" || p == "/static/*" {
			continue
		}
		item := doc.Paths.Find(p)
		if item == nil {
			t.Errorf("%s %s is served but not declared in /api", r.Method, r.Path)
			continue
		}
		if item.GetOperation(r.Method) == nil && r.Method != http.MethodHead {
			t.Errorf("%s %s: /api declares the path but not the method", r.Method, r.Path)
		}
	}
}

// openAPIPath turns an echo route (/locaties/:id/score) into an OpenAPI
// path template (/locaties/{id}/score).
func openAPIPath(p string) string {
	out := []byte{}
	for i := 0; i < len(p); i++ {
		if p[i] != ':' {
			out = append(out, p[i])
			continue
		}
		j := i + 1
		for j < len(p) && p[j] != '/' {
			j++
		}
		out = append(out, '{')
		out = append(out, p[i+1:j]...)
		out = append(out, '}')
		i = j - 1
	}
	return string(out)
}
