package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/api/cql2"
	"github.com/plekwijzer/plekwijzer/geo"
)

// pgKind is how a property reads, sorts and compares, mirroring the memory
// table's Column: text and dates sort as strings (a null date as ""),
// numbers with nulls last, booleans false first; pgGo properties cannot be
// answered in SQL exactly and are tested and sorted in Go.
type pgKind int8

const (
	pgText pgKind = iota
	pgDate
	pgNum
	pgBool
	pgGo
)

// pgColumn is the SQL expression of one property.
type pgColumn struct {
	expr string
	kind pgKind
	join string // "gn" or "cn": the expression needs that name join
}

func siteSQLColumns() map[string]pgColumn {
	text := func(col string) pgColumn { return pgColumn{expr: "s." + col, kind: pgText} }
	return map[string]pgColumn{
		"naam": text("name"), "soort": text("kind"), "bron": text("source"), "bron_ref": text("source_ref"),
		"straat": text("straat"), "huisnummer": {expr: "NULLIF(s.huisnummer, 0)", kind: pgNum},
		"toevoeging": text("toevoeging"), "postcode": text("postcode"), "plaats": text("plaats"),
		"oppervlakte_m2": {expr: "s.area_m2", kind: pgNum}, "oppervlakte_soort": text("area_kind"),
		"functie": text("function"), "bouwjaar": {expr: "s.construction_year", kind: pgNum},
		"monument": text("monument"), "status": text("status"), "eigenaar": text("owner"),
		"beschikbaar_vanaf":    {expr: "(s.available_from AT TIME ZONE 'UTC')::date", kind: pgDate},
		"beschikbaar_tot":      {expr: "(s.available_until AT TIME ZONE 'UTC')::date", kind: pgDate},
		"gemeente":             text("gemeente"),
		"gemeente_naam":        {expr: "COALESCE(gn.name, '')", kind: pgText, join: "gn"},
		"centrumgemeente":      text("centrumgemeente"),
		"centrumgemeente_naam": {expr: "COALESCE(cn.name, '')", kind: pgText, join: "cn"},
		// strings.EqualFold(v, "ja") holds for exactly these four spellings.
		"synthetisch": {expr: "(s.source = 'synthetisch' OR COALESCE(s.attributes->>'synthetisch' IN ('ja', 'Ja', 'jA', 'JA'), false))", kind: pgBool},
		"attributen":  {kind: pgGo},
	}
}

func featureSQLColumns() map[string]pgColumn {
	return map[string]pgColumn{
		"naam": {expr: "f.name", kind: pgText}, "laag": {expr: "f.layer", kind: pgText},
		"attributen": {kind: pgGo},
	}
}

var (
	siteColumnsSQL    = siteSQLColumns()
	featureColumnsSQL = featureSQLColumns()
)

func (t *pgTable) column(name string) (pgColumn, bool) {
	cols := featureColumnsSQL
	if t.sites {
		cols = siteColumnsSQL
	}
	c, ok := cols[name]
	return c, ok
}

// pgQuery is a Query as SQL plus what Go must still do.
type pgQuery struct {
	t     *pgTable
	where []string
	args  []any
	joins map[string]bool
	order []string // SQL ORDER BY terms; nil when Go sorts
	// goSort is set when a sort key cannot be ordered in SQL.
	goSort bool
	// residual tests in Go, nil when SQL answers the query exactly.
	lonLat *orb.Bound
	props  []PropertyFilter
	filter *cql2.Filter
}

func (p *pgQuery) arg(v any) string {
	p.args = append(p.args, v)
	return "$" + strconv.Itoa(len(p.args))
}

func (p *pgQuery) envelope(b orb.Bound) string {
	return fmt.Sprintf("ST_MakeEnvelope(%s::float8, %s::float8, %s::float8, %s::float8, 28992)",
		p.arg(b.Min[0]), p.arg(b.Min[1]), p.arg(b.Max[0]), p.arg(b.Max[1]))
}

// residual reports whether rows must be tested in Go.
func (p *pgQuery) residual() bool { return p.lonLat != nil || len(p.props) > 0 || p.filter != nil }

func (t *pgTable) plan(q Query) *pgQuery {
	p := &pgQuery{t: t, joins: map[string]bool{}, filter: q.Filter}
	geom := t.alias() + ".geom"
	p.where = append(p.where, t.keyColumn()+" = "+p.arg(t.key))
	if q.BBox != nil {
		env := p.envelope(q.BBox.RD)
		if q.BBox.LonLat != nil {
			p.where = append(p.where, geom+" && "+env)
			p.lonLat = q.BBox.LonLat
		} else {
			p.where = append(p.where, geom+" && "+env, "ST_Intersects("+geom+", "+env+")")
		}
	}
	if q.Filter != nil {
		if fb, ok := q.Filter.Bound(); ok {
			p.where = append(p.where, geom+" && "+p.envelope(fb))
		}
	}
	for _, pf := range q.Props {
		if cond, ok := p.equality(pf); ok {
			p.where = append(p.where, cond)
		} else {
			p.props = append(p.props, pf)
		}
	}
	for _, k := range q.Sort {
		if k.Name == "id" {
			if _, isProp := t.column("id"); !isProp {
				p.order = append(p.order, t.idOrder(k.Desc))
				continue
			}
		}
		c, ok := t.column(k.Name)
		if !ok {
			continue // as the memory catalog: an unknown key does not sort
		}
		if c.kind == pgGo {
			p.goSort = true
			break
		}
		p.need(c)
		term := c.expr
		if c.kind == pgText {
			term += ` COLLATE "C"`
		}
		if k.Desc {
			term += " DESC" // nulls last in both directions, as the memory catalog
		}
		term += " NULLS LAST"
		p.order = append(p.order, term)
	}
	p.order = append(p.order, t.idOrder(false))
	if p.goSort {
		p.order = nil
	}
	return p
}

func (p *pgQuery) need(c pgColumn) {
	if c.join != "" {
		p.joins[c.join] = true
	}
}

// equality returns the SQL condition of a property filter when SQL can
// test it the way the memory catalog's equal does.
func (p *pgQuery) equality(pf PropertyFilter) (string, bool) {
	c, ok := p.t.column(pf.Name)
	if !ok {
		return "", false
	}
	var cond string
	switch v := pf.Value.(type) {
	case string:
		switch c.kind {
		case pgText:
			cond = c.expr + " = " + p.arg(v) + "::text"
		case pgDate:
			cond = "COALESCE(to_char(" + c.expr + ", 'YYYY-MM-DD'), '') = " + p.arg(v) + "::text"
		}
	case float64:
		if c.kind == pgNum {
			cond = c.expr + " = " + p.arg(v) + "::float8"
		}
	case bool:
		if c.kind == pgBool {
			cond = c.expr + " = " + p.arg(v) + "::boolean"
		}
	case time.Time:
		if c.kind == pgDate {
			// A date equals t when its midnight UTC is the instant t.
			u := v.UTC()
			if u.Hour() != 0 || u.Minute() != 0 || u.Second() != 0 || u.Nanosecond() != 0 {
				cond = "false"
			} else {
				cond = c.expr + " = " + p.arg(u.Format(time.DateOnly)) + "::date"
			}
		}
	}
	if cond == "" {
		return "", false
	}
	p.need(c)
	return cond, true
}

// from is the FROM clause with the name joins the query needs.
func (p *pgQuery) from(s *pgState) string {
	f := p.t.from()
	for _, j := range []struct{ alias, col string }{{"gn", "s.gemeente"}, {"cn", "s.centrumgemeente"}} {
		if p.joins[j.alias] {
			f += fmt.Sprintf(" LEFT JOIN unnest(%s::text[], %s::text[]) AS %s(code, name) ON %s.code = %s",
				p.arg(s.codes), p.arg(s.labels), j.alias, j.alias, j.col)
		}
	}
	return f
}

// match runs the Go tests of the query on one feature.
func (p *pgQuery) match(f *Feature) bool {
	if p.lonLat != nil {
		if f.Geometry == nil {
			return false
		}
		if pt, ok := f.Geometry.(orb.Point); ok {
			if !p.lonLat.Contains(geo.RDToWGS84(pt)) {
				return false
			}
		} else if !geo.Intersects(geo.FromRD(f.Geometry, geo.CRS84), *p.lonLat) {
			return false
		}
	}
	for _, pf := range p.props {
		c, _ := p.t.column(pf.Name)
		if !equalValue(c.kind, f.Properties[pf.Name], pf.Value) {
			return false
		}
	}
	return p.filter == nil || p.filter.Match(pgRecord{f})
}

// equalValue is memTable.equal on a served value of a property of kind.
func equalValue(kind pgKind, v, want any) bool {
	switch w := want.(type) {
	case string:
		if kind == pgText || kind == pgDate {
			s, _ := v.(string)
			return s == w
		}
	case float64:
		if kind == pgNum {
			x, ok := number(v)
			return ok && x == w
		}
	}
	r, ok := cql2.Compare(v, want)
	return ok && r == 0
}

func number(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	}
	return 0, false
}

// pgRecord adapts a Feature to cql2.Record.
type pgRecord struct{ f *Feature }

func (r pgRecord) Property(name string) (any, bool) {
	v, ok := r.f.Properties[name]
	return v, ok
}

func (r pgRecord) Geometry() orb.Geometry { return r.f.Geometry }

// Items implements Catalog. Each query is one SQL statement, so it reads
// one consistent snapshot: the page with count(*) OVER () when SQL answers
// the query exactly (a COUNT alone when the page is empty), otherwise the
// candidates in order, tested in Go.
func (c *PostGISCatalog) Items(ctx context.Context, collection string, q Query, fn func(*Feature) error) (int, error) {
	s := c.state.Load()
	t, err := s.table(ctx, collection)
	if err != nil {
		return 0, err
	}
	p := t.plan(q)
	from := p.from(s)
	where := " WHERE " + strings.Join(p.where, " AND ")
	var n int
	if !p.residual() && !p.goSort {
		n, err = c.pagedItems(ctx, p, from, where, q, s, fn)
	} else {
		n, err = c.filteredItems(ctx, p, from, where, q, s, fn)
	}
	if err != nil {
		var ce callbackError
		if errors.As(err, &ce) {
			return 0, ce.err
		}
		return 0, fmt.Errorf("read %s: %w", collection, err)
	}
	return n, nil
}

// callbackError carries an error of the caller's fn, passed on as it is.
type callbackError struct{ err error }

func (e callbackError) Error() string { return e.err.Error() }

// pagedItems answers a query that SQL answers exactly.
func (c *PostGISCatalog) pagedItems(ctx context.Context, p *pgQuery, from, where string, q Query, s *pgState, fn func(*Feature) error) (int, error) {
	args := slices.Clip(p.args) // the page's LIMIT and OFFSET come after
	count := func() (int, error) {
		var n int
		err := c.db.QueryRowContext(ctx, "SELECT count(*) FROM "+from+where, args...).Scan(&n)
		return n, err
	}
	if q.Limit == 0 {
		return count()
	}
	query := "SELECT " + p.t.selectList() + ", count(*) OVER () FROM " + from + where + " ORDER BY " + strings.Join(p.order, ", ")
	if q.Limit > 0 {
		query += " LIMIT " + p.arg(int64(q.Limit))
	}
	if q.Offset > 0 {
		query += " OFFSET " + p.arg(int64(q.Offset))
	}
	n, rowsSeen := 0, 0
	err := c.stream(ctx, p, query, s, []any{&n}, func(f *Feature) error {
		rowsSeen++
		if err := fn(f); err != nil {
			return callbackError{err}
		}
		return nil
	})
	if err == nil && rowsSeen == 0 && q.Offset > 0 {
		return count() // the page is past the end
	}
	return n, err
}

// filteredItems streams the SQL candidates, tests them in Go, counts them
// and passes on the page; when a sort key cannot be ordered in SQL it
// collects the matches and sorts them as the memory catalog does.
func (c *PostGISCatalog) filteredItems(ctx context.Context, p *pgQuery, from, where string, q Query, s *pgState, fn func(*Feature) error) (int, error) {
	query := "SELECT " + p.t.selectList() + " FROM " + from + where
	if p.order != nil {
		query += " ORDER BY " + strings.Join(p.order, ", ")
	}
	end := -1
	if q.Limit >= 0 {
		end = q.Offset + q.Limit
	}
	n := 0
	var matches []*Feature
	err := c.stream(ctx, p, query, s, nil, func(f *Feature) error {
		if !p.match(f) {
			return nil
		}
		i := n
		n++
		switch {
		case p.order == nil:
			matches = append(matches, f)
		case i >= q.Offset && (end < 0 || i < end):
			if err := fn(f); err != nil {
				return callbackError{err}
			}
		}
		return nil
	})
	if err != nil || p.order != nil {
		return n, err
	}
	slices.SortStableFunc(matches, p.t.comparator(q.Sort))
	start := min(q.Offset, len(matches))
	if end < 0 || end > len(matches) {
		end = len(matches)
	}
	for _, f := range matches[start:max(start, end)] {
		if err := fn(f); err != nil {
			return 0, callbackError{err}
		}
	}
	return n, nil
}

// stream runs query and calls fn for every row as a Feature, reading the
// columns after selectList into extra.
func (c *PostGISCatalog) stream(ctx context.Context, p *pgQuery, query string, s *pgState, extra []any, fn func(*Feature) error) error {
	rows, err := c.db.QueryContext(ctx, query, p.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for i := 0; rows.Next(); i++ {
		if i%checkEvery == checkEvery-1 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f, err := p.t.scan(rows, s.names, extra...)
		if err != nil {
			return err
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

// comparator orders features by the sort keys, then by id, exactly as
// memTable.comparator orders rows.
func (t *pgTable) comparator(keys []SortKey) func(a, b *Feature) int {
	var cmps []func(a, b *Feature) int
	for _, k := range keys {
		var cmp func(a, b *Feature) int
		col, ok := t.column(k.Name)
		name := k.Name
		null := func(f *Feature) bool { return isNull(f.Properties[name]) }
		switch {
		case k.Name == "id" && !ok:
			cmp = func(a, b *Feature) int { return CompareIDs(a.ID, b.ID) }
			null = func(*Feature) bool { return false }
		case !ok:
			continue
		case col.kind == pgNum:
			cmp = func(a, b *Feature) int {
				x, xok := number(a.Properties[name])
				y, yok := number(b.Properties[name])
				return compareNullable(x, y, xok, yok)
			}
		case col.kind == pgText || col.kind == pgDate:
			cmp = func(a, b *Feature) int {
				x, _ := a.Properties[name].(string)
				y, _ := b.Properties[name].(string)
				return strings.Compare(x, y)
			}
		default:
			cmp = func(a, b *Feature) int { return compareForSort(a.Properties[name], b.Properties[name]) }
		}
		cmps = append(cmps, nullsLast(cmp, null, k.Desc))
	}
	return func(a, b *Feature) int {
		for _, c := range cmps {
			if r := c(a, b); r != 0 {
				return r
			}
		}
		return CompareIDs(a.ID, b.ID)
	}
}
