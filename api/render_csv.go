package api

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/internal/spreadsheet"
)

// csvStream writes features as CSV for Excel straight into the response:
// UTF-8 with BOM, ';' separated, columns id, every property, and the
// geometry as WKT in the output CRS. With decimal=comma numbers use a
// decimal comma. Memory stays at one row, whatever the selection holds.
type csvStream struct {
	w            *csv.Writer
	cols         []string
	crs          geo.CRS
	decimalComma bool
	row          []string
}

// newCSVStream sends the headers and the header row.
func newCSVStream(c echo.Context, coll Collection, crs geo.CRS, decimalComma bool) (*csvStream, error) {
	res := c.Response()
	name := coll.ID + ".csv"
	res.Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+url.PathEscape(name)+`"`)
	res.Header().Set(echo.HeaderContentType, mediaCSV+charsetUTF8)
	res.WriteHeader(http.StatusOK)
	if _, err := res.Write([]byte("\uFEFF")); err != nil {
		return nil, err
	}
	cs := &csvStream{w: csv.NewWriter(res), cols: propertyNamesSlice(coll), crs: crs, decimalComma: decimalComma}
	cs.w.Comma = ';'
	cs.w.UseCRLF = true
	return cs, cs.w.Write(append(append([]string{"id"}, cs.cols...), "geometrie_wkt"))
}

// write writes one feature.
func (cs *csvStream) write(f *Feature) error {
	row := append(cs.row[:0], f.ID)
	for _, name := range cs.cols {
		v := f.Properties[name]
		text := formatValue(v, cs.decimalComma)
		switch v.(type) {
		case string, *string:
			text = spreadsheet.Text(text)
		}
		row = append(row, text)
	}
	if g := fromStorage(f.Geometry, cs.crs); g != nil {
		row = append(row, wktString(g, cs.decimalComma))
	} else {
		row = append(row, "")
	}
	cs.row = row
	return cs.w.Write(row)
}

// close flushes what is buffered.
func (cs *csvStream) close() error {
	cs.w.Flush()
	return cs.w.Error()
}

// wktString writes WKT; with decimalComma the geometry keeps decimal points
// (WKT needs them) but that is fine since the column is text for Excel.
func wktString(g orb.Geometry, _ bool) string { return string(wkt.Marshal(g)) }

// formatNumber prints a float without exponent, with a comma if asked.
func formatNumber(v any, decimalComma bool) string {
	var f float64
	switch x := v.(type) {
	case float64:
		f = x
	case float32:
		f = float64(x)
	case *float64:
		if x == nil {
			return ""
		}
		f = *x
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if decimalComma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// replaceParam sets one query parameter of a URL.
func replaceParam(u, name, value string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	q.Set(name, value)
	p.RawQuery = q.Encode()
	return p.String()
}
