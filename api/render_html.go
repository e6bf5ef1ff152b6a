package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds the parsed HTML templates.
type pages struct{ t *template.Template }

func newPages() (*pages, error) {
	t, err := template.New("").ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	return &pages{t: t}, nil
}

type pageData struct {
	Title string
	Base  string
	Data  any
}

// renderHTML executes the named page template into the response.
func (s *Server) renderHTML(c echo.Context, name, title string, data any) error {
	var buf bytes.Buffer
	if err := s.pages.t.ExecuteTemplate(&buf, name, pageData{Title: title, Base: s.baseURL(c), Data: data}); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

type itemsHTML struct {
	NumberMatched int
	Offset        int
	Features      []*Feature
	Columns       []string
	Rows          []rowHTML
	Links         []Link
}

type rowHTML struct {
	ID, Href string
	Values   []string
}

func (s *Server) renderItemsHTML(c echo.Context, pg page) error {
	cols := propertyNamesSlice(pg.collection)
	d := itemsHTML{NumberMatched: pg.numberMatched, Offset: pg.offset, Features: pg.features, Columns: cols, Links: pageLinks(pg)}
	for i, l := range d.Links { // page through HTML, not JSON
		if l.Rel == "next" || l.Rel == "prev" {
			d.Links[i].Href = replaceParam(l.Href, "f", "html")
			d.Links[i].Type = mediaHTML
		}
	}
	for _, f := range pg.features {
		r := rowHTML{ID: f.ID, Href: itemURL(pg.base, pg.collection.ID, f.ID) + "?f=html"}
		for _, name := range cols {
			r.Values = append(r.Values, formatValue(f.Properties[name], false))
		}
		d.Rows = append(d.Rows, r)
	}
	return s.renderHTML(c, "items", pg.collection.Title, d)
}

type propHTML struct{ Name, Value string }

func (s *Server) renderItemHTML(c echo.Context, coll Collection, fj featureJSON) error {
	names := propertyNamesSlice(coll)
	for k := range fj.Properties {
		if !slices.Contains(names, k) {
			names = append(names, k)
		}
	}
	d := struct {
		Props        []propHTML
		GeometryType string
		Links        []Link
	}{Links: fj.Links}
	for _, n := range names {
		d.Props = append(d.Props, propHTML{n, formatValue(fj.Properties[n], false)})
	}
	if fj.Geometry != nil {
		d.GeometryType = fj.Geometry.Type
	}
	return s.renderHTML(c, "item", coll.Title+" "+fj.ID, d)
}

// formatValue prints a property value for HTML and CSV.
func formatValue(v any, decimalComma bool) string {
	switch x := v.(type) {
	case nil:
		return ""
	case time.Time:
		if x.Hour() == 0 && x.Minute() == 0 && x.Second() == 0 && x.Nanosecond() == 0 {
			return x.Format("2006-01-02")
		}
		return x.Format(time.RFC3339)
	case *time.Time:
		if x == nil {
			return ""
		}
		return formatValue(*x, decimalComma)
	case float64, float32, *float64:
		return formatNumber(v, decimalComma)
	case *string:
		if x == nil {
			return ""
		}
		return *x
	case *int:
		if x == nil {
			return ""
		}
		return fmt.Sprint(*x)
	case *bool:
		if x == nil {
			return ""
		}
		return fmt.Sprint(*x)
	}
	return fmt.Sprint(v)
}
