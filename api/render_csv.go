package api

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// renderCSV writes a page as CSV for Excel: UTF-8 with BOM, ';' separated,
// columns id, every property, and the geometry as WKT in the output CRS.
// With decimal=comma numbers use a decimal comma.
func renderCSV(c echo.Context, pg page) error {
	var buf bytes.Buffer
	buf.WriteString("\uFEFF")
	w := csv.NewWriter(&buf)
	w.Comma = ';'
	w.UseCRLF = true
	cols := propertyNamesSlice(pg.collection)
	_ = w.Write(append(append([]string{"id"}, cols...), "geometrie_wkt"))
	for _, f := range pg.features {
		row := make([]string, 0, len(cols)+2)
		row = append(row, f.ID)
		for _, name := range cols {
			row = append(row, formatValue(f.Properties[name], pg.decimalComma))
		}
		g := fromStorage(f.Geometry, pg.crs)
		if g != nil {
			row = append(row, wktString(g, pg.decimalComma))
		} else {
			row = append(row, "")
		}
		_ = w.Write(row)
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	name := pg.collection.ID + ".csv"
	c.Response().Header().Set(echo.HeaderContentDisposition, `attachment; filename="`+url.PathEscape(name)+`"`)
	return c.Blob(http.StatusOK, mediaCSV+charsetUTF8, buf.Bytes())
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
