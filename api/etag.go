package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// bufferWriter holds a response back so its ETag can be set before sending.
type bufferWriter struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

func (w *bufferWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *bufferWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.buf.Write(b)
}

// Flush is a no-op: the body is sent when the handler returns.
func (w *bufferWriter) Flush() {}

// etag gives successful GET responses a weak ETag (the one the handler set
// from the catalog version, or a hash of the body) and answers a matching
// If-None-Match with 304 Not Modified.
func (s *Server) etag(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if (req.Method != http.MethodGet && req.Method != http.MethodHead) || c.Path() == "/metrics" {
			return next(c)
		}
		res := c.Response()
		orig := res.Writer
		bw := &bufferWriter{ResponseWriter: orig}
		res.Writer = bw
		err := next(c)
		res.Writer = orig
		if bw.status == 0 {
			return err
		}
		if err == nil && bw.status == http.StatusOK {
			tag := orig.Header().Get("ETag")
			if tag == "" {
				sum := sha256.Sum256(bw.buf.Bytes())
				tag = `W/"` + hex.EncodeToString(sum[:12]) + `"`
				orig.Header().Set("ETag", tag)
			}
			if etagMatch(req.Header.Get(headerIfNoneMatch), tag) {
				h := orig.Header()
				h.Del(echo.HeaderContentLength)
				h.Del(echo.HeaderContentType)
				h.Del(echo.HeaderContentDisposition)
				orig.WriteHeader(http.StatusNotModified)
				return nil
			}
		}
		orig.WriteHeader(bw.status)
		if _, werr := orig.Write(bw.buf.Bytes()); werr != nil && err == nil {
			err = werr
		}
		return err
	}
}

// etagMatch implements the weak comparison of If-None-Match.
func etagMatch(header, tag string) bool {
	if header == "" {
		return false
	}
	want := strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == want {
			return true
		}
	}
	return false
}

// versionETag returns a weak ETag from the catalog version and the request
// (URL and negotiated format), or "" when the catalog is not Versioned.
func (s *Server) versionETag(c echo.Context, format string) string {
	v, ok := s.cat.(Versioned)
	if !ok {
		return ""
	}
	sum := sha256.Sum256([]byte(v.Version() + "\x00" + c.Request().URL.RequestURI() + "\x00" + format + "\x00" + c.Request().Header.Get(echo.HeaderAuthorization)))
	return `W/"` + hex.EncodeToString(sum[:12]) + `"`
}
