package importers

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/store"
)

// AttrRepair is the attribute that records what geo.Repair changed in a
// geometry (e.g. "closed ring"), so that repaired data can be checked.
const AttrRepair = "_reparatie"

// AttrBuffer is the feature attribute holding the buffer (metres) with which
// a line of an area layer was turned into polygons.
const AttrBuffer = "buffer_m"

// converted is the outcome of converting one table.
type converted struct {
	sites     []store.Site
	features  []store.Feature
	addresses []store.BAGAddress
	gemeenten []store.Gemeente
	regions   []store.RegionMember
	valid     int              // rows that became an item
	rejected  int              // rows rejected
	errors    []store.RowError // why, by row
	notes     []string         // run-level remarks (not rejections)
}

// converter holds what every conversion of one table needs.
type converter struct {
	ctx     context.Context
	t       *Table
	kind    store.RunKind
	opts    Options
	cols    columns
	decimal map[string]string
	loc     *locator
	lookup  AddressLookup
	assign  *Assigner
	now     time.Time
	out     converted
	rowErrs []store.RowError // errors of the current row
	// emitSite, when set, takes each valid site instead of out.sites (the
	// importer streams them into the store); an error stops the conversion.
	emitSite func(*store.Site) error
	// fatal is the error that stops each (from emitSite).
	fatal error
	// attrCols are the columns no field uses, kept as attributes.
	attrCols []string
}

// newConverter resolves the columns of t for kind.
func newConverter(ctx context.Context, t *Table, kind store.RunKind, opts Options) (*converter, error) {
	cols, err := resolveColumns(t.File, t.Columns, kind, opts.Mapping)
	if err != nil {
		return nil, err
	}
	c := &converter{ctx: ctx, t: t, kind: kind, opts: opts, cols: cols, now: time.Now(), decimal: map[string]string{}}
	used := make(map[string]bool, len(cols))
	for _, h := range cols {
		used[h] = true
	}
	for _, h := range t.Columns {
		if !used[h] {
			c.attrCols = append(c.attrCols, h)
		}
	}
	mode := DecimalAuto
	if opts.Mapping != nil {
		mode = opts.Mapping.Decimal
	}
	for _, f := range []string{FieldX, FieldY, FieldLat, FieldLon, FieldArea} {
		col := cols[f]
		if col == "" {
			continue
		}
		if mode != DecimalAuto {
			c.decimal[col] = mode
			continue
		}
		vals := make([]string, 0, len(t.Records))
		for _, r := range t.Records {
			if v := r.Values[col]; v != "" {
				vals = append(vals, v)
			}
		}
		c.decimal[col] = detectDecimal(vals)
	}
	crs := opts.CRS
	if crs == "" && opts.Mapping != nil {
		crs = opts.Mapping.CRS
	}
	c.loc = newLocator(t, cols, crs, c.decimal)
	return c, nil
}

// missing builds the file-level error for missing columns.
func (c *converter) missing(what string, fields ...string) error {
	var acc []string
	for _, f := range fields {
		acc = append(acc, f+": "+strings.Join(aliasesOf(c.kind, f), ", "))
	}
	example := fields[0]
	return &FileError{File: c.t.File, Err: ErrMissingColumns, Msg: fmt.Sprintf(
		"%s; columns found: %s; headers accepted: %s; if the file names them differently, give a mapping with --mapping FILE (a YAML file with lines such as `%s: <your column header>`)",
		what, strings.Join(c.t.Columns, ", "), strings.Join(acc, "; "), example)}
}

func (c *converter) has(fields ...string) bool {
	for _, f := range fields {
		if c.cols[f] == "" {
			return false
		}
	}
	return true
}

// needLocation checks that the file can give each row a location.
func (c *converter) needLocation(geocode bool) error {
	if c.loc.hasSource(c.t) {
		return nil
	}
	if geocode && (c.has(FieldPostcode, FieldHuisnummer) || c.has(FieldPostcode, FieldAdres) || c.has(FieldAdres) ||
		c.has(FieldStraat, FieldHuisnummer, FieldPlaats)) {
		return nil
	}
	what := "no location columns: need x and y (RD New), lat and lon (WGS84) or a WKT geometry"
	fields := []string{FieldX, FieldY, FieldLat, FieldLon, FieldWKT}
	if geocode {
		what += ", or postcode and huisnummer, or straat, huisnummer and plaats (found through imported BAG addresses)"
		fields = append(fields, FieldPostcode, FieldHuisnummer, FieldStraat, FieldPlaats)
	}
	return c.missing(what, fields...)
}

func (c *converter) val(r Record, f string) string {
	col := c.cols[f]
	if col == "" {
		return ""
	}
	return strings.TrimSpace(r.Values[col])
}

func (c *converter) fail(r Record, f, msg string) {
	col := c.cols[f]
	c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row, Column: col, Value: clip(r.Values[col]), Message: msg})
}

// each runs fn on every record, collecting row errors and progress. fn
// returns whether the row produced an item.
func (c *converter) each(fn func(r Record) bool) error {
	total := len(c.t.Records)
	for i, r := range c.t.Records {
		if i%256 == 0 {
			if err := c.ctx.Err(); err != nil {
				return err
			}
			if c.opts.Progress != nil {
				c.opts.Progress(c.phase(), i, total)
			}
		}
		c.rowErrs = c.rowErrs[:0]
		ok := fn(r)
		if c.fatal != nil {
			return c.fatal
		}
		if len(c.rowErrs) > 0 || !ok {
			c.out.rejected++
			c.out.errors = append(c.out.errors, c.rowErrs...)
			continue
		}
		c.out.valid++
	}
	return nil
}

// phase names what each is doing for progress reports: writing when
// the valid rows go to the store as they are converted, else checking.
func (c *converter) phase() string {
	if c.emitSite != nil {
		return PhaseWriting
	}
	return PhaseChecking
}

// attributes returns the non-empty values of columns no field uses.
func (c *converter) attributes(r Record) map[string]string {
	var attrs map[string]string
	for _, h := range c.attrCols {
		if v := strings.TrimSpace(r.Values[h]); v != "" {
			if attrs == nil {
				attrs = map[string]string{}
			}
			attrs[h] = v
		}
	}
	return attrs
}

func setAttr(m *map[string]string, k, v string) {
	if *m == nil {
		*m = map[string]string{}
	}
	(*m)[k] = v
}

// address reads the address fields of a row. Problems are returned, not
// recorded: they only reject the row when the address is needed.
func (c *converter) address(r Record) (store.Address, []store.RowError) {
	var a store.Address
	var errs []store.RowError
	bad := func(f, msg string) {
		col := c.cols[f]
		errs = append(errs, store.RowError{Row: r.Row, Column: col, Value: clip(r.Values[col]), Message: msg})
	}
	a.Straat = c.val(r, FieldStraat)
	a.Plaats = c.val(r, FieldPlaats)
	letter, toev := c.val(r, FieldHuisletter), c.val(r, FieldToevoeging)
	if s := c.val(r, FieldHuisnummer); s != "" {
		if n, err := parseHuisnummer(s); err == nil {
			a.Huisnummer = n
		} else if _, n, t, err2 := splitAddress("x " + s); err2 == nil && n > 0 {
			a.Huisnummer, letter = n, letter+t // "12a" in the huisnummer column
		} else {
			bad(FieldHuisnummer, err.Error())
		}
	}
	a.Toevoeging = normalizeToevoeging(letter, toev)
	if s := c.val(r, FieldPostcode); s != "" {
		pc, err := normalizePostcode(s)
		if err != nil {
			bad(FieldPostcode, fmt.Sprintf("postcode %q is not a Dutch postcode like 3511 AB", s))
		} else {
			a.Postcode = pc
		}
	}
	if s := c.val(r, FieldAdres); s != "" && a.Straat == "" && a.Huisnummer == 0 {
		b, err := parseAddressCell(s)
		if err != nil {
			bad(FieldAdres, fmt.Sprintf("cannot read address %q: %v", s, err))
		} else {
			a.Straat, a.Huisnummer, a.Toevoeging = b.Straat, b.Huisnummer, b.Toevoeging
			if a.Postcode == "" {
				a.Postcode = b.Postcode
			}
			if a.Plaats == "" {
				a.Plaats = b.Plaats
			}
		}
	}
	return a, errs
}

// location returns the RD geometry of a row: its own geometry, or, when
// geocode is set, the point of its address in the BAG address layer.
func (c *converter) location(r Record, a store.Address, addrErrs []store.RowError, geocodeOK bool) (orb.Geometry, []string, bool) {
	g, fixes, rerr, src := c.loc.locate(r)
	if rerr != nil {
		c.rowErrs = append(c.rowErrs, *rerr)
		return nil, nil, false
	}
	if src != srcNone {
		return g, fixes, true
	}
	if !geocodeOK {
		c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row, Message: "no location: fill x and y, lat and lon, or the geometry"})
		return nil, nil, false
	}
	route := geocodeRouteOf(a)
	for _, e := range addrErrs {
		// An unreadable postcode leaves the street route open.
		if route != routeStreet || e.Column != c.cols[FieldPostcode] {
			c.rowErrs = append(c.rowErrs, addrErrs...)
			return nil, nil, false
		}
	}
	if route == routeNone {
		c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row,
			Message: "no location: fill x and y, lat and lon, the geometry, postcode and huisnummer, or straat, huisnummer and plaats"})
		return nil, nil, false
	}
	p, found, err := geocode(c.ctx, c.lookup, a)
	if err == nil && found {
		return p, nil, true
	}
	what := describeAddress(a, route)
	e := store.RowError{Row: r.Row, Value: clip(what)}
	if route == routePostcode {
		e.Column = c.addressColumn(r, FieldPostcode)
		if !found {
			e.Message = fmt.Sprintf("address %s not found in the BAG address layer (looked up by postcode and huisnummer); check %s, or %s",
				what, c.columnList(r, FieldPostcode, FieldHuisnummer), msgImportBAG)
		}
	} else {
		e.Column = c.addressColumn(r, FieldStraat)
		if !found {
			e.Message = fmt.Sprintf("address %s not found in the BAG address layer (looked up by straat, huisnummer and plaats, as the row has no postcode); check the spelling in %s or add the postcode; %s",
				what, c.columnList(r, FieldStraat, FieldHuisnummer, FieldPlaats), msgImportBAG)
		}
	}
	switch {
	case errors.Is(err, store.ErrAmbiguous):
		_, detail, _ := strings.Cut(err.Error(), store.ErrAmbiguous.Error()+": ")
		e.Message = fmt.Sprintf("address %s is not unique in the BAG address layer (looked up by straat, huisnummer and plaats, as the row has no postcode): %s",
			what, detail)
	case err != nil:
		e.Message = err.Error()
	}
	c.rowErrs = append(c.rowErrs, e)
	return nil, nil, false
}

// addressColumn returns the column a part f of the address of r was read
// from: its own column when filled, else the adres column it was split from.
func (c *converter) addressColumn(r Record, f string) string {
	if c.val(r, f) != "" || c.cols[FieldAdres] == "" {
		return c.cols[f]
	}
	return c.cols[FieldAdres]
}

// columnList names the columns the address parts fs of r were read from:
// `columns "straat", "huisnummer" and "plaats"`.
func (c *converter) columnList(r Record, fs ...string) string {
	var names []string
	seen := map[string]bool{}
	for _, f := range fs {
		col := c.addressColumn(r, f)
		if col == "" || seen[col] {
			continue
		}
		seen[col] = true
		names = append(names, strconv.Quote(col))
	}
	switch len(names) {
	case 0:
		return "the address"
	case 1:
		return "column " + names[0]
	}
	return "columns " + strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// convertSites converts an inventory of gebouwen or kavels.
func (c *converter) convertSites() error {
	if !c.has(FieldSourceRef) {
		return c.missing("no column for bron_ref, the stable reference of each "+siteNoun(c.kind)+
			" (needed to update the same site when the file is imported again)", FieldSourceRef)
	}
	if err := c.needLocation(true); err != nil {
		return err
	}
	kind := store.Gebouw
	if c.kind == store.RunKavels {
		kind = store.Kavel
	}
	source := c.opts.Source
	// The first row of each bron_ref, by a 64-bit hash of it: 12 bytes a
	// row instead of the reference itself. Two references sharing a hash
	// (odds about 1 in 40 million for a million rows) would be reported
	// as a duplicate.
	seen := map[uint64]int32{}
	seed := maphash.MakeSeed()
	unassigned := []int{}
	err := c.each(func(r Record) bool {
		ref := c.val(r, FieldSourceRef)
		if ref == "" {
			c.fail(r, FieldSourceRef, "bron_ref is empty: every row needs its own reference")
			return false
		}
		key := maphash.String(seed, ref)
		if first, dup := seen[key]; dup {
			c.fail(r, FieldSourceRef, fmt.Sprintf("duplicate bron_ref %s, first seen on row %d", ref, first))
			return false
		}
		seen[key] = int32(r.Row)
		s := store.Site{Kind: kind, Source: source, SourceRef: ref, Name: c.val(r, FieldName)}
		if c.emitSite == nil {
			s.ID = store.SiteID(kind, source, ref) // the writer sets it otherwise
		}
		addr, addrErrs := c.address(r)
		s.Address = addr
		g, fixes, ok := c.location(r, addr, addrErrs, true)
		if !ok {
			return false
		}
		s.Geometry = g
		s.Attributes = c.attributes(r)
		// An unreadable address part does not reject a row located by its
		// coordinates: the value is kept as delivered.
		for _, e := range addrErrs {
			setAttr(&s.Attributes, e.Column, r.Values[e.Column])
		}
		if len(fixes) > 0 {
			setAttr(&s.Attributes, AttrRepair, strings.Join(fixes, "; "))
		}
		c.siteArea(r, &s)
		c.siteDetails(r, &s)
		if len(c.rowErrs) > 0 {
			return false
		}
		if c.assign != nil {
			s.Gemeente, s.Centrumgemeente = c.assign.Assign(s.Geometry)
			if s.Gemeente == "" {
				unassigned = append(unassigned, r.Row)
			}
		}
		s.UpdatedAt = c.now
		if c.emitSite != nil {
			if err := c.emitSite(&s); err != nil {
				c.fatal = err
				return false
			}
			return true
		}
		c.out.sites = append(c.out.sites, s)
		return true
	})
	if err != nil {
		return err
	}
	if c.assign != nil && c.assign.Empty() {
		c.out.notes = append(c.out.notes, "no gemeenten in the store: sites were imported without gemeente; run `plekwijzer import gemeenten FILE` and import again")
	} else if len(unassigned) > 0 {
		c.out.notes = append(c.out.notes, fmt.Sprintf(
			"%d site(s) lie in no gemeente (not within %.0f m of one) and were imported without gemeente (not rejected): rows %s",
			len(unassigned), CoastTolerance, rowList(unassigned)))
	}
	return nil
}

func siteNoun(k store.RunKind) string {
	if k == store.RunKavels {
		return "kavel"
	}
	return "gebouw"
}

// siteArea reads the area and its kind.
func (c *converter) siteArea(r Record, s *store.Site) {
	col := c.cols[FieldArea]
	if v := c.val(r, FieldArea); v != "" {
		a, err := parseDecimal(v, c.decimal[col])
		switch {
		case err != nil:
			c.fail(r, FieldArea, fmt.Sprintf("oppervlakte %q is not a number of square metres", v))
		case a <= 0:
			c.fail(r, FieldArea, fmt.Sprintf("oppervlakte %s must be more than 0 m²", v))
		default:
			s.AreaM2 = &a
			s.AreaKind = areaKind(col, s.Kind)
		}
		return
	}
	if s.Kind == store.Kavel {
		switch s.Geometry.(type) {
		case orb.Polygon, orb.MultiPolygon:
			if a := geo.Area(s.Geometry); a > 0 {
				s.AreaM2, s.AreaKind = &a, store.AreaPlot
			}
		}
	}
}

// areaKind derives what an area column measures from its header, or the
// kind's default: perceel for kavels, BVO for gebouwen.
func areaKind(header string, k store.SiteKind) string {
	h := normalizeHeader(header)
	switch {
	case strings.Contains(h, "bvo"), strings.Contains(h, "bruto"):
		return store.AreaBVO
	case strings.Contains(h, "gbo"), strings.Contains(h, "vvo"), strings.Contains(h, "gebruiksoppervlakte"):
		return store.AreaGBO
	case strings.Contains(h, "perceel"), strings.Contains(h, "kavel"):
		return store.AreaPlot
	}
	if k == store.Kavel {
		return store.AreaPlot
	}
	return store.AreaBVO
}

// siteDetails reads the descriptive fields.
func (c *converter) siteDetails(r Record, s *store.Site) {
	s.Function = c.val(r, FieldFunction)
	s.Status = c.val(r, FieldStatus)
	s.Owner = c.val(r, FieldOwner)
	if v := c.val(r, FieldMonument); v != "" {
		yes, isBool := truthy(v)
		switch {
		case !isBool:
			s.Monument = v
		case yes && normalizeHeader(c.cols[FieldMonument]) == "rijksmonument":
			s.Monument = "rijksmonument"
		case yes:
			s.Monument = "monument"
		}
	}
	if v := c.val(r, FieldBouwjaar); v != "" {
		y, err := parseYear(v, c.now)
		if err != nil {
			c.fail(r, FieldBouwjaar, err.Error())
		} else {
			s.ConstructionYear = &y
		}
	}
	for _, d := range []struct {
		f   string
		dst **time.Time
	}{{FieldAvailableFrom, &s.AvailableFrom}, {FieldAvailableUntil, &s.AvailableUntil}} {
		if v := c.val(r, d.f); v != "" {
			t, err := parseDate(v)
			if err != nil {
				c.fail(r, d.f, err.Error())
			} else {
				*d.dst = &t
			}
		}
	}
	if s.AvailableFrom != nil && s.AvailableUntil != nil && s.AvailableUntil.Before(*s.AvailableFrom) {
		c.fail(r, FieldAvailableUntil, fmt.Sprintf("beschikbaar_tot %s lies before beschikbaar_vanaf %s",
			s.AvailableUntil.Format(time.DateOnly), s.AvailableFrom.Format(time.DateOnly)))
	}
}

// rowList formats up to 10 row numbers.
func rowList(rows []int) string {
	var b strings.Builder
	for i, r := range rows {
		if i == 10 {
			fmt.Fprintf(&b, " and %d more", len(rows)-10)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, r)
	}
	return b.String()
}
