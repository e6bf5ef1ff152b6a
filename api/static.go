package api

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/labstack/echo/v4"
)

// staticFS holds the map page's assets: maplibre-gl.js and maplibre-gl.css
// (copied from npm by web/build.sh) and our own kaart.js and kaart.css.
//
//go:embed static
var staticFS embed.FS

// Cache lifetimes of static files. A URL carrying the file's version
// (?v=hash, as the map page links them) never changes, so it is cached for a
// year; a bare URL is revalidated with its ETag after an hour.
const (
	cacheVersioned   = "public, max-age=31536000, immutable"
	cacheUnversioned = "public, max-age=3600"
)

// staticTypes are the content types of the asset extensions, so they do not
// depend on the host's mime tables.
var staticTypes = map[string]string{
	".js":  "text/javascript; charset=utf-8",
	".css": "text/css; charset=utf-8",
	".txt": "text/plain; charset=utf-8",
	".png": "image/png",
	".svg": "image/svg+xml",
}

// staticFile is one embedded asset with its content type and version.
type staticFile struct {
	body        []byte
	contentType string
	version     string // first 16 hex digits of the SHA-256 of body
}

// staticFiles are the embedded assets by name relative to static/.
type staticFiles map[string]staticFile

// loadStatic reads every embedded asset once.
func loadStatic() (staticFiles, error) {
	files := staticFiles{}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		ext := path.Ext(p)
		ct, ok := staticTypes[ext]
		if !ok {
			if ct = mime.TypeByExtension(ext); ct == "" {
				ct = "application/octet-stream"
			}
		}
		sum := sha256.Sum256(b)
		files[strings.TrimPrefix(p, "static/")] = staticFile{body: b, contentType: ct, version: hex.EncodeToString(sum[:8])}
		return nil
	})
	return files, err
}

// url is the versioned path of the named asset below base, or the bare
// path when there is no such asset.
func (sf staticFiles) url(base, name string) string {
	u := base + "/static/" + name
	if f, ok := sf[name]; ok {
		u += "?v=" + f.version
	}
	return u
}

// handle serves /static/*. Query parameters other than v are ignored, as
// browsers and proxies may add their own.
func (sf staticFiles) handle(c echo.Context) error {
	name := c.Param("*")
	f, ok := sf[name]
	if !ok {
		return notFound("no static file %q; the map page uses /static/maplibre-gl.js, maplibre-gl.css, kaart.js and kaart.css", name)
	}
	h := c.Response().Header()
	if c.QueryParam("v") == f.version {
		h.Set(echo.HeaderCacheControl, cacheVersioned)
	} else {
		h.Set(echo.HeaderCacheControl, cacheUnversioned)
	}
	// Weak: the gzip middleware may change the bytes on the wire. The etag
	// middleware answers If-None-Match with 304.
	h.Set("ETag", `W/"`+f.version+`"`)
	h.Set("X-Content-Type-Options", "nosniff")
	return c.Blob(http.StatusOK, f.contentType, f.body)
}
