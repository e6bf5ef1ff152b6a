package api

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// PostGISCatalog is a Catalog over the tables of a plekwijzer PostGIS
// database, in the shape of pg_featureserv: the database does the work. It
// serves the site collections gebouwen and kavels (table sites, by kind)
// and every context layer as "laag-" + kind (table features), with exactly
// the properties and values the memory tables serve (see siteProperties).
//
// A query becomes one SQL statement per page plus a COUNT, in one
// read-only snapshot: the bbox (geom && envelope on the GiST index, and
// ST_Intersects for an RD box), equality filters, sortby and the page are
// pushed into SQL. What SQL cannot answer exactly the way the memory
// catalog does is evaluated in Go on the rows the database streams:
//
//   - a bbox given in lon/lat: the RD bound of the box is the SQL index
//     filter, the exact test uses plekwijzer's own RD -> WGS84 conversion
//     (geo.RDToWGS84, within a metre of PROJ), as the memory catalog does;
//   - CQL2 filters: the box a filter implies (cql2.Filter.Bound) goes into
//     SQL, the filter itself is evaluated on the candidate rows;
//   - filters and sort keys on attributen, which is served as Go's JSON
//     encoding of the attributes, not PostgreSQL's.
//
// Collection metadata (the context layers, extents, municipality names) is
// read on creation and by Refresh, when the data generation changed.
type PostGISCatalog struct {
	db    *sql.DB
	nonce string
	mu    sync.Mutex // serialises Refresh
	state atomic.Pointer[pgState]
}

// pgState is the collection metadata of one data generation.
type pgState struct {
	generation  int64
	collections []Collection
	tables      map[string]*pgTable
	names       names
	codes       []string // names as parallel arrays, for SQL joins
	labels      []string
}

// pgTable is one collection: the sites of a kind or the features of a layer.
type pgTable struct {
	coll  Collection
	sites bool
	key   string // the site kind or the layer
}

// NewPostGISCatalog returns a catalog over the plekwijzer tables in db, a
// PostgreSQL database with PostGIS opened with the pgx driver (such as
// store.Store.DB().DB).
func NewPostGISCatalog(ctx context.Context, db *sql.DB) (*PostGISCatalog, error) {
	c := &PostGISCatalog{db: db, nonce: strconv.FormatInt(time.Now().UnixNano(), 36)}
	if err := c.Refresh(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// Refresh rereads the collection metadata when the data generation (the
// newest successful run) changed since the last read.
func (c *PostGISCatalog) Refresh(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var gen int64
	if err := c.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM runs WHERE status = $1`, store.RunOK).Scan(&gen); err != nil {
		return fmt.Errorf("postgis catalog: read data generation: %w", err)
	}
	if old := c.state.Load(); old != nil && old.generation == gen {
		return nil
	}
	s, err := c.load(ctx, gen)
	if err != nil {
		return fmt.Errorf("postgis catalog: %w", err)
	}
	c.state.Store(s)
	return nil
}

// Watch calls Refresh every interval until ctx ends.
func (c *PostGISCatalog) Watch(ctx context.Context, every time.Duration, log func(error)) {
	poll(ctx, every, c.Refresh, log)
}

func (c *PostGISCatalog) load(ctx context.Context, gen int64) (*pgState, error) {
	s := &pgState{generation: gen, tables: map[string]*pgTable{}}
	extents := map[string]orb.Bound{}
	if err := c.extents(ctx, `SELECT kind, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT kind, ST_Extent(geom) AS e FROM sites GROUP BY kind) x`, func(kind string, b orb.Bound) {
		extents[kind] = b
	}); err != nil {
		return nil, fmt.Errorf("read site extents: %w", err)
	}
	for _, k := range []struct {
		kind        store.SiteKind
		id, title   string
		description string
	}{
		{store.Gebouw, CollGebouwen, "Leegstaande gebouwen", "Vacant buildings (gebouwen) from the imported inventories."},
		{store.Kavel, CollKavels, "Leegstaande kavels", "Vacant plots (kavels) from the imported inventories."},
	} {
		s.add(&pgTable{sites: true, key: string(k.kind), coll: Collection{ID: k.id, Title: k.title,
			Description: k.description, Keywords: []string{"leegstand", string(k.kind)},
			Bound: extents[string(k.kind)], Properties: siteProperties()}})
	}
	var layers []*pgTable
	if err := c.extents(ctx, `SELECT layer, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
		FROM (SELECT layer, ST_Extent(geom) AS e FROM features GROUP BY layer) x`, func(kind string, b orb.Bound) {
		layers = append(layers, &pgTable{key: kind, coll: Collection{ID: layerPrefix + kind, Title: "Contextlaag " + kind,
			Description: "Context layer of kind " + kind + " used by the scoring.",
			Keywords:    []string{"contextlaag", kind}, Bound: b,
			Properties: []Property{{Name: "naam", Type: TypeString}, {Name: "laag", Type: TypeString}, {Name: "attributen", Type: TypeString}},
		}})
	}); err != nil {
		return nil, fmt.Errorf("read layer extents: %w", err)
	}
	slices.SortFunc(layers, func(a, b *pgTable) int { return strings.Compare(a.key, b.key) })
	for _, t := range layers {
		s.add(t)
	}
	n, err := c.names(ctx)
	if err != nil {
		return nil, err
	}
	s.names = n
	for code, name := range n {
		s.codes = append(s.codes, code)
		s.labels = append(s.labels, name)
	}
	return s, nil
}

func (s *pgState) add(t *pgTable) {
	s.collections = append(s.collections, t.coll)
	s.tables[t.coll.ID] = t
}

// extents runs a query of (key, xmin, ymin, xmax, ymax) rows.
func (c *PostGISCatalog) extents(ctx context.Context, query string, fn func(key string, b orb.Bound)) error {
	rows, err := c.db.QueryContext(ctx, query)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var key string
		var x0, y0, x1, y1 sql.NullFloat64
		if err := rows.Scan(&key, &x0, &y0, &x1, &y1); err != nil {
			return err
		}
		var b orb.Bound
		if x0.Valid {
			b = orb.Bound{Min: orb.Point{x0.Float64, y0.Float64}, Max: orb.Point{x1.Float64, y1.Float64}}
		}
		fn(key, b)
	}
	return rows.Err()
}

// names reads the gemeente and centrumgemeente names the way the snapshot
// resolves them (regionNames): the gemeenten table, then the region table
// in gemeente order.
func (c *PostGISCatalog) names(ctx context.Context) (names, error) {
	n := names{}
	rows, err := c.db.QueryContext(ctx, `SELECT code, name FROM gemeenten`)
	if err != nil {
		return nil, fmt.Errorf("read gemeente names: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var code, name string
		if err := rows.Scan(&code, &name); err != nil {
			return nil, fmt.Errorf("read gemeente names: %w", err)
		}
		n[code] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read gemeente names: %w", err)
	}
	rows.Close()
	rows, err = c.db.QueryContext(ctx, `SELECT gemeente, gemeente_naam, centrumgemeente, centrumgemeente_naam FROM regions`)
	if err != nil {
		return nil, fmt.Errorf("read region names: %w", err)
	}
	defer rows.Close()
	var ms []store.RegionMember
	for rows.Next() {
		var m store.RegionMember
		if err := rows.Scan(&m.Gemeente, &m.GemeenteNaam, &m.Centrumgemeente, &m.CentrumgemeenteNaam); err != nil {
			return nil, fmt.Errorf("read region names: %w", err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read region names: %w", err)
	}
	slices.SortStableFunc(ms, func(a, b store.RegionMember) int { return strings.Compare(a.Gemeente, b.Gemeente) })
	for _, m := range ms {
		n[m.Gemeente] = m.GemeenteNaam
		n[m.Centrumgemeente] = m.CentrumgemeenteNaam
	}
	return n, nil
}

// Collections implements Catalog.
func (c *PostGISCatalog) Collections(ctx context.Context) ([]Collection, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return c.state.Load().collections, nil
}

// Version implements Versioned: it changes with the data generation (as
// far as Refresh has seen it) and between processes.
func (c *PostGISCatalog) Version() string {
	return c.nonce + "-" + strconv.FormatInt(c.state.Load().generation, 36)
}

func (s *pgState) table(ctx context.Context, collection string) (*pgTable, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t, ok := s.tables[collection]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrCollectionNotFound, collection)
	}
	return t, nil
}

// Item implements Catalog.
func (c *PostGISCatalog) Item(ctx context.Context, collection, id string) (*Feature, error) {
	s := c.state.Load()
	t, err := s.table(ctx, collection)
	if err != nil {
		return nil, err
	}
	notFound := fmt.Errorf("%w: %s has no feature with id %q", ErrFeatureNotFound, collection, id)
	var key any = id
	if !t.sites {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil || strconv.FormatInt(n, 10) != id {
			return nil, notFound
		}
		key = n
	}
	query := "SELECT " + t.selectList() + " FROM " + t.from() + " WHERE " + t.keyColumn() + " = $1 AND " + t.alias() + ".id = $2"
	rows, err := c.db.QueryContext(ctx, query, t.key, key)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", collection, id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read %s/%s: %w", collection, id, err)
		}
		return nil, notFound
	}
	f, err := t.scan(rows, s.names)
	if err != nil {
		return nil, fmt.Errorf("read %s/%s: %w", collection, id, err)
	}
	return f, rows.Err()
}

// alias is the table alias in the queries.
func (t *pgTable) alias() string {
	if t.sites {
		return "s"
	}
	return "f"
}

func (t *pgTable) from() string {
	if t.sites {
		return "sites s"
	}
	return "features f"
}

func (t *pgTable) keyColumn() string {
	if t.sites {
		return "s.kind"
	}
	return "f.layer"
}

// idOrder is the SQL order of CompareIDs: site ids are never integers and
// compare as strings (bytes); feature ids are integers.
func (t *pgTable) idOrder(desc bool) string {
	o := "f.id"
	if t.sites {
		o = `s.id COLLATE "C"`
	}
	if desc {
		o += " DESC"
	}
	return o
}

const siteSelect = `s.id, s.kind, s.source, s.source_ref, s.name, s.straat, s.huisnummer, s.toevoeging, s.postcode,
	s.plaats, ST_AsBinary(s.geom), s.area_m2, s.area_kind, s.function, s.construction_year, s.monument, s.status,
	s.owner, s.available_from, s.available_until, s.gemeente, s.centrumgemeente, s.attributes`

const featureSelect = `f.id, f.layer, f.name, ST_AsBinary(f.geom), f.attributes`

func (t *pgTable) selectList() string {
	if t.sites {
		return siteSelect
	}
	return featureSelect
}

// scan reads one row of selectList (then the extra columns into extra)
// as the Feature the memory tables serve.
func (t *pgTable) scan(rows *sql.Rows, n names, extra ...any) (*Feature, error) {
	if t.sites {
		return scanSite(rows, n, extra)
	}
	var (
		f          store.Feature
		geom, attr []byte
	)
	if err := rows.Scan(append([]any{&f.ID, &f.Layer, &f.Name, &geom, &attr}, extra...)...); err != nil {
		return nil, err
	}
	g, err := store.DecodeGeometry(geom)
	if err != nil {
		return nil, fmt.Errorf("feature %d: %w", f.ID, err)
	}
	if f.Attributes, err = store.DecodeAttributes(attr); err != nil {
		return nil, fmt.Errorf("feature %d: %w", f.ID, err)
	}
	return &Feature{ID: strconv.FormatInt(f.ID, 10), Geometry: g, Properties: map[string]any{
		"naam": f.Name, "laag": f.Layer, "attributen": attributesJSON(f.Attributes),
	}}, nil
}

func scanSite(rows *sql.Rows, n names, extra []any) (*Feature, error) {
	var (
		s          store.Site
		kind       string
		geom, attr []byte
		area       sql.NullFloat64
		year       sql.NullInt64
		from, till sql.NullTime
	)
	dest := []any{&s.ID, &kind, &s.Source, &s.SourceRef, &s.Name, &s.Address.Straat, &s.Address.Huisnummer,
		&s.Address.Toevoeging, &s.Address.Postcode, &s.Address.Plaats, &geom, &area, &s.AreaKind, &s.Function, &year,
		&s.Monument, &s.Status, &s.Owner, &from, &till, &s.Gemeente, &s.Centrumgemeente, &attr}
	if err := rows.Scan(append(dest, extra...)...); err != nil {
		return nil, err
	}
	s.Kind = store.SiteKind(kind)
	var err error
	if s.Geometry, err = store.DecodeGeometry(geom); err != nil {
		return nil, fmt.Errorf("site %s: %w", s.ID, err)
	}
	if s.Attributes, err = store.DecodeAttributes(attr); err != nil {
		return nil, fmt.Errorf("site %s: %w", s.ID, err)
	}
	if area.Valid {
		s.AreaM2 = &area.Float64
	}
	if year.Valid {
		y := int(year.Int64)
		s.ConstructionYear = &y
	}
	if from.Valid {
		t := from.Time.UTC()
		s.AvailableFrom = &t
	}
	if till.Valid {
		t := till.Time.UTC()
		s.AvailableUntil = &t
	}
	return &Feature{ID: s.ID, Geometry: s.Geometry, Properties: siteProps(&s, n)}, nil
}
