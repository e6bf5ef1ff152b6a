package api

import (
	"bufio"
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/plekwijzer/plekwijzer/geo"
)

// geojsonStream writes a GeoJSON FeatureCollection while the catalog
// produces its features: the members that depend on the whole selection
// (numberMatched, numberReturned, the next link) come after the features,
// which JSON allows. Features are encoded by hand (points, strings and
// numbers are the bulk of every page); other geometries and values go
// through encoding/json. The output is what encoding/json would write, with
// properties in the collection's order.
type geojsonStream struct {
	c        echo.Context
	pool     *sync.Pool
	w        *bufio.Writer // nil until the first byte
	buf      []byte
	props    []string
	crs      geo.CRS
	returned int
}

// newGeoJSONStream returns a stream that sends the status and headers with
// its first byte, so that an error before the first feature is still
// answered as a problem.
func newGeoJSONStream(c echo.Context, pool *sync.Pool, coll Collection, crs geo.CRS) *geojsonStream {
	return &geojsonStream{c: c, pool: pool, props: propertyNamesSlice(coll), crs: crs}
}

func (gs *geojsonStream) start() error {
	if gs.w != nil {
		return nil
	}
	res := gs.c.Response()
	res.Header().Set(echo.HeaderContentType, mediaGeoJSON)
	res.WriteHeader(http.StatusOK)
	if w, ok := gs.pool.Get().(*bufio.Writer); ok {
		w.Reset(res)
		gs.w = w
	} else {
		gs.w = bufio.NewWriterSize(res, 32<<10)
	}
	_, err := gs.w.WriteString(`{"type":"FeatureCollection","features":[`)
	return err
}

// write writes one feature.
func (gs *geojsonStream) write(f *Feature) error {
	if err := gs.start(); err != nil {
		return err
	}
	b := gs.buf[:0]
	if gs.returned > 0 {
		b = append(b, ',')
	}
	gs.returned++
	b = append(b, `{"type":"Feature","id":`...)
	b = appendJSONString(b, f.ID)
	b = append(b, `,"geometry":`...)
	var err error
	if b, err = appendGeometry(b, fromStorage(f.Geometry, gs.crs)); err != nil {
		return err
	}
	b = append(b, `,"properties":{`...)
	for i, name := range gs.props {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, name)
		b = append(b, ':')
		if b, err = appendValue(b, f.Properties[name]); err != nil {
			return err
		}
	}
	b = append(b, "}}"...)
	gs.buf = b
	_, err = gs.w.Write(b)
	return err
}

// close writes the members after the features and flushes.
func (gs *geojsonStream) close(pg page) error {
	if err := gs.start(); err != nil {
		return err
	}
	b := gs.buf[:0]
	b = append(b, `],"links":`...)
	links, err := json.Marshal(pageLinks(pg))
	if err != nil {
		return err
	}
	b = append(b, links...)
	b = append(b, `,"numberMatched":`...)
	b = strconv.AppendInt(b, int64(pg.numberMatched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(gs.returned), 10)
	b = append(b, `,"timeStamp":"`...)
	b = pg.timeStamp.AppendFormat(b, "2006-01-02T15:04:05Z")
	b = append(b, "\"}\n"...)
	if _, err := gs.w.Write(b); err != nil {
		return err
	}
	err = gs.w.Flush()
	gs.w.Reset(nil)
	gs.pool.Put(gs.w)
	return err
}

// appendGeometry appends g as GeoJSON (null for nil).
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	switch g := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":[`...)
		b = appendFloat(b, g[0])
		b = append(b, ',')
		b = appendFloat(b, g[1])
		return append(b, "]}"...), nil
	}
	enc, err := json.Marshal(geojson.NewGeometry(g))
	return append(b, enc...), err
}

// appendValue appends a property value as encoding/json would.
func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int32:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return append(b, "null"...), nil
		}
		return appendFloat(b, x), nil
	}
	enc, err := json.Marshal(v)
	return append(b, enc...), err
}

// appendFloat formats f as encoding/json does.
func appendFloat(b []byte, f float64) []byte {
	abs := math.Abs(f)
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		enc, _ := json.Marshal(f)
		return append(b, enc...)
	}
	return strconv.AppendFloat(b, f, 'f', -1, 64)
}

// appendJSONString appends s as a JSON string without HTML escaping (as
// writeJSONBody's encoder), replacing invalid UTF-8 as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
