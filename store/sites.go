package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// siteColumns are the columns written for a site, in siteArgs order.
var siteColumns = []string{
	"id", "kind", "source", "source_ref", "name",
	"straat", "huisnummer", "toevoeging", "postcode", "plaats",
	"geom", "area_m2", "area_kind", "function", "construction_year",
	"monument", "status", "owner", "available_from", "available_until",
	"gemeente", "centrumgemeente", "attributes", "run_id", "updated_at",
}

// bboxColumns are the bounding box columns SQLite keeps beside geom.
var bboxColumns = []string{"minx", "miny", "maxx", "maxy"}

// SaveSites records run and upserts sites by (kind, source, source_ref) in one
// transaction. It sets run.ID and each site's ID (SiteID of its kind, source
// and source reference) and RunID, and UpdatedAt when it was zero. Sites
// from earlier runs that are not in sites stay as they are.
//
// Every site needs a valid kind, a source, a source reference and a
// geometry, and a batch must not hold the same (kind, source, source_ref)
// twice; otherwise SaveSites returns an error wrapping ErrInvalid that names
// the site. On any error nothing changes, not even the run record.
func (s *Store) SaveSites(ctx context.Context, run *Run, sites []Site) error {
	// Validate everything first: an invalid site is named even when the
	// database would refuse an earlier one.
	seen := make(map[uint64]int32, len(sites))
	for i := range sites {
		if _, _, err := validateSite(run, i+1, &sites[i], seen); err != nil {
			return err
		}
	}
	w, err := s.NewSiteWriter(ctx, run, len(sites))
	if err != nil {
		return err
	}
	type written struct {
		id      string
		updated time.Time
	}
	out := make([]written, len(sites))
	for i := range sites {
		st := sites[i] // sites change only once everything is committed
		if err := w.Write(&st); err != nil {
			w.Rollback()
			return err
		}
		out[i] = written{st.ID, st.UpdatedAt}
	}
	if err := w.Commit(); err != nil {
		return err
	}
	for i := range sites {
		sites[i].ID, sites[i].RunID, sites[i].UpdatedAt = out[i].id, run.ID, out[i].updated
	}
	return nil
}

// siteScanner scans sites rows (siteSelect order) into reused
// destinations, without reflection: strings of the columns that repeat
// from row to row (kind, source, gemeente, ...) are shared between sites,
// and a time read as the same text as the row before is parsed once.
type siteScanner struct {
	raw      [25]sql.RawBytes
	area     sql.NullFloat64
	year     sql.NullInt64
	huisnr   sql.NullInt64
	runID    sql.NullInt64
	from     cachedTime
	until    cachedTime
	updated  cachedTime
	dest     []any
	interned map[string]string
}

// Column positions in siteColumns.
const (
	colID = iota
	colKind
	colSource
	colSourceRef
	colName
	colStraat
	colHuisnummer
	colToevoeging
	colPostcode
	colPlaats
	colGeom
	colArea
	colAreaKind
	colFunction
	colYear
	colMonument
	colStatus
	colOwner
	colFrom
	colUntil
	colGemeente
	colCentrum
	colAttributes
	colRunID
	colUpdated
)

// maxInterned bounds the strings a siteScanner shares.
const maxInterned = 1 << 16

func newSiteScanner() *siteScanner {
	sc := &siteScanner{interned: map[string]string{}}
	sc.dest = make([]any, len(siteColumns))
	for i := range sc.dest {
		sc.dest[i] = &sc.raw[i]
	}
	sc.dest[colArea] = &sc.area
	sc.dest[colYear] = &sc.year
	sc.dest[colHuisnummer] = &sc.huisnr
	sc.dest[colRunID] = &sc.runID
	sc.dest[colFrom] = &sc.from
	sc.dest[colUntil] = &sc.until
	sc.dest[colUpdated] = &sc.updated
	return sc
}

// shared returns b as a string, shared with earlier rows of equal value.
func (sc *siteScanner) shared(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := sc.interned[string(b)]; ok {
		return v
	}
	v := string(b)
	if len(sc.interned) < maxInterned {
		sc.interned[v] = v
	}
	return v
}

// scan reads the current row of rows into st, replacing all of it.
func (sc *siteScanner) scan(rows *sql.Rows, st *Site) error {
	if err := rows.Scan(sc.dest...); err != nil {
		return err
	}
	r := &sc.raw
	id := string(r[colID])
	g, err := decodeWKB(r[colGeom])
	if err != nil {
		return fmt.Errorf("site %s: %w", id, err)
	}
	attrs, err := decodeAttrs(r[colAttributes])
	if err != nil {
		return fmt.Errorf("site %s: %w", id, err)
	}
	*st = Site{
		ID: id, Kind: SiteKind(sc.shared(r[colKind])), Source: sc.shared(r[colSource]),
		SourceRef: string(r[colSourceRef]), Name: string(r[colName]),
		Address: Address{Straat: sc.shared(r[colStraat]), Huisnummer: int(sc.huisnr.Int64),
			Toevoeging: sc.shared(r[colToevoeging]), Postcode: string(r[colPostcode]), Plaats: sc.shared(r[colPlaats])},
		Geometry: g, AreaKind: sc.shared(r[colAreaKind]), Function: sc.shared(r[colFunction]),
		Monument: sc.shared(r[colMonument]), Status: sc.shared(r[colStatus]), Owner: sc.shared(r[colOwner]),
		AvailableFrom: sc.from.ptr(), AvailableUntil: sc.until.ptr(),
		Gemeente: sc.shared(r[colGemeente]), Centrumgemeente: sc.shared(r[colCentrum]),
		Attributes: attrs, RunID: sc.runID.Int64, UpdatedAt: sc.updated.t.Time,
	}
	if sc.area.Valid {
		v := sc.area.Float64
		st.AreaM2 = &v
	}
	if sc.year.Valid {
		v := int(sc.year.Int64)
		st.ConstructionYear = &v
	}
	return nil
}

// cachedTime scans a time like dbTime, parsing text equal to the previous
// row's only once.
type cachedTime struct {
	t    dbTime
	last []byte
}

// Scan implements sql.Scanner.
func (c *cachedTime) Scan(v any) error {
	var b []byte
	switch v := v.(type) {
	case string:
		if string(c.last) == v && c.t.Valid {
			return nil
		}
		if err := c.t.parse(v); err != nil {
			return err
		}
		c.last = append(c.last[:0], v...)
		return nil
	case []byte:
		b = v
		if string(c.last) == string(b) && c.t.Valid {
			return nil
		}
		if err := c.t.parse(string(b)); err != nil {
			return err
		}
		c.last = append(c.last[:0], b...)
		return nil
	}
	c.last = c.last[:0]
	return c.t.Scan(v)
}

func (c *cachedTime) ptr() *time.Time { return c.t.ptr() }

var _ sql.Scanner = (*cachedTime)(nil)

// siteSelect is the column list of site reads.
func (s *Store) siteSelect() string {
	cols := make([]string, len(siteColumns))
	for i, c := range siteColumns {
		cols[i] = c
		if c == "geom" {
			cols[i] = s.geomOut() + " AS geom"
		}
	}
	return strings.Join(cols, ", ")
}

// siteWhere builds the WHERE clause (with ? placeholders) of f.
func (s *Store) siteWhere(f SiteFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Kind != "" {
		conds = append(conds, "kind = ?")
		args = append(args, string(f.Kind))
	}
	if f.Gemeente != "" {
		conds = append(conds, "gemeente = ?")
		args = append(args, f.Gemeente)
	}
	if f.Centrumgemeente != "" {
		conds = append(conds, "centrumgemeente = ?")
		args = append(args, f.Centrumgemeente)
	}
	if f.Bound != nil {
		bd := *f.Bound
		if s.pg() {
			conds = append(conds, "geom && ST_MakeEnvelope(?, ?, ?, ?, 28992)")
			args = append(args, bd.Min[0], bd.Min[1], bd.Max[0], bd.Max[1])
		} else {
			conds = append(conds, "maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?")
			args = append(args, bd.Min[0], bd.Max[0], bd.Min[1], bd.Max[1])
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Sites returns the sites matching f, ordered by id. A Bound selects the
// sites whose bounding box intersects it (touching counts).
func (s *Store) Sites(ctx context.Context, f SiteFilter) ([]Site, error) {
	var sites []Site
	if f.Limit > 0 {
		sites = make([]Site, 0, f.Limit)
	} else if f == (SiteFilter{}) {
		if n, err := s.CountSites(ctx, f); err == nil {
			sites = make([]Site, 0, n)
		}
	}
	err := s.EachSite(ctx, f, func(st *Site) error {
		sites = append(sites, *st)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if f.Limit == 0 && f.Offset == 0 {
		// EachSite read them in storage order; sorting here costs far less
		// than SQLite walking the id index and seeking every row.
		sites = sortByID(sites)
	}
	return sites, nil
}

// sortByID returns sites ordered by id. It sorts a permutation (not
// 400-byte Site values), by integer keys when every id has SiteID's form
// (a letter and 12 hex digits: the key orders as the text does), and then
// moves every site once.
func sortByID(sites []Site) []Site {
	if slices.IsSortedFunc(sites, func(a, b Site) int { return strings.Compare(a.ID, b.ID) }) {
		return sites
	}
	type keyed struct {
		key uint64
		i   int32
	}
	keys := make([]keyed, len(sites))
	packed := true
	for i := range sites {
		k, ok := idKey(sites[i].ID)
		if !ok {
			packed = false
			break
		}
		keys[i] = keyed{k, int32(i)}
	}
	if packed {
		slices.SortFunc(keys, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	} else {
		for i := range keys {
			keys[i] = keyed{0, int32(i)}
		}
		slices.SortFunc(keys, func(a, b keyed) int { return strings.Compare(sites[a.i].ID, sites[b.i].ID) })
	}
	out := make([]Site, len(sites))
	for i, k := range keys {
		out[i] = sites[k.i]
	}
	return out
}

// idKey packs an id of SiteID's form ("g" or "k" and 12 lower-case hex
// digits) into an integer that orders as the id's text.
func idKey(id string) (uint64, bool) {
	if len(id) != 13 {
		return 0, false
	}
	k := uint64(id[0])
	for i := 1; i < 13; i++ {
		c := id[i]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		default:
			return 0, false
		}
		k = k<<4 | uint64(d)
	}
	return k, true
}

// EachSite calls fn with every site matching f, streaming them from the
// database without holding them all. Sites come in storage order (the
// fastest to read, not sorted), or ordered by id when f has a Limit or an
// Offset, which need an order to page by. The Site passed to fn
// is reused for the next row: fn must copy it (*st) to keep it, though the
// strings, geometry and maps it points to are never reused. An error from
// fn stops the reading and is returned as it is.
func (s *Store) EachSite(ctx context.Context, f SiteFilter, fn func(st *Site) error) error {
	where, args := s.siteWhere(f)
	from := " FROM sites"
	if f.Bound != nil && !s.pg() {
		// Otherwise SQLite may walk the primary key for ORDER BY id and
		// test every row.
		from += " INDEXED BY sites_bbox"
	}
	query := "SELECT " + s.siteSelect() + from + where
	if f.Limit > 0 || f.Offset > 0 {
		query += " ORDER BY id"
	}
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	} else if f.Offset > 0 && !s.pg() {
		query += " LIMIT -1"
	}
	if f.Offset > 0 {
		query += " OFFSET ?"
		args = append(args, f.Offset)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	defer rows.Close()
	sc := newSiteScanner()
	var st Site
	for rows.Next() {
		if err := sc.scan(rows, &st); err != nil {
			return fmt.Errorf("read sites: %w", err)
		}
		if err := fn(&st); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sites: %w", err)
	}
	return nil
}

// CountSites counts the sites matching f (ignoring Limit and Offset).
func (s *Store) CountSites(ctx context.Context, f SiteFilter) (int, error) {
	where, args := s.siteWhere(f)
	var n int
	if err := s.db.GetContext(ctx, &n, s.q("SELECT COUNT(*) FROM sites"+where), args...); err != nil {
		return 0, fmt.Errorf("count sites: %w", err)
	}
	return n, nil
}

// Site returns one site by id, or ErrNotFound.
func (s *Store) Site(ctx context.Context, id string) (Site, error) {
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+s.siteSelect()+" FROM sites WHERE id = ?"), id)
	if err != nil {
		return Site{}, fmt.Errorf("read site %q: %w", id, err)
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return Site{}, fmt.Errorf("read site %q: %w", id, err)
		}
		return Site{}, fmt.Errorf("site %q: %w", id, ErrNotFound)
	}
	var st Site
	if err := newSiteScanner().scan(rows, &st); err != nil {
		return Site{}, fmt.Errorf("read site %q: %w", id, err)
	}
	return st, rows.Close()
}
