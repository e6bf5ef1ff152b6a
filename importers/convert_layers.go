package importers

import (
	"fmt"
	"sort"
	"strings"

	"github.com/paulmach/orb"
	"github.com/plekwijzer/plekwijzer/store"
)

// convertFeatures converts a context layer.
func (c *converter) convertFeatures() error {
	if err := c.needLocation(true); err != nil {
		return err
	}
	layer := c.opts.Layer
	isPoint := pointLayers[layer]
	_, isArea := areaLayers[layer]
	buffer := c.opts.Buffer
	if buffer == 0 {
		buffer = DefaultBuffer(layer)
	}
	return c.each(func(r Record) bool {
		addr, addrErrs := c.address(r)
		g, fixes, ok := c.location(r, addr, addrErrs, true)
		if !ok {
			return false
		}
		f := store.Feature{Layer: layer, Name: c.val(r, FieldName), Attributes: c.attributes(r)}
		// Address fields of a layer are plain attributes.
		for _, fld := range []string{FieldStraat, FieldHuisnummer, FieldHuisletter, FieldToevoeging, FieldPostcode, FieldPlaats, FieldAdres} {
			if v := c.val(r, fld); v != "" {
				setAttr(&f.Attributes, c.cols[fld], v)
			}
		}
		if len(fixes) > 0 {
			setAttr(&f.Attributes, AttrRepair, strings.Join(fixes, "; "))
		}
		switch g.(type) {
		case orb.Point, orb.MultiPoint:
			if isArea {
				c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row, Column: c.geomColumn(), Message: fmt.Sprintf(
					"a point cannot mark an area in layer %s: give polygons (or lines with --buffer METRES)", layer)})
				return false
			}
		case orb.LineString, orb.MultiLineString:
			switch {
			case isPoint:
				g = representativePoint(g)
			case buffer > 0:
				g = bufferLine(g, buffer)
				setAttr(&f.Attributes, AttrBuffer, fmtNum(buffer))
			case isArea:
				c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row, Column: c.geomColumn(), Message: fmt.Sprintf(
					"a line cannot mark an area in layer %s without a buffer: import with --buffer METRES", layer)})
				return false
			}
		default:
			if isPoint {
				g = representativePoint(g)
			}
		}
		f.Geometry = g
		c.out.features = append(c.out.features, f)
		return true
	})
}

func (c *converter) geomColumn() string {
	if col := c.cols[FieldWKT]; col != "" {
		return col
	}
	return "geometrie"
}

// convertAddresses converts a BAG address extract.
func (c *converter) convertAddresses() error {
	if !c.has(FieldPostcode) && !c.has(FieldAdres) {
		return c.missing("no postcode column", FieldPostcode)
	}
	if !c.has(FieldHuisnummer) && !c.has(FieldAdres) {
		return c.missing("no huisnummer column", FieldHuisnummer)
	}
	if err := c.needLocation(false); err != nil {
		return err
	}
	seen := map[string]int{}
	return c.each(func(r Record) bool {
		a, errs := c.address(r)
		if len(errs) > 0 {
			c.rowErrs = append(c.rowErrs, errs...)
			return false
		}
		if a.Postcode == "" {
			c.fail(r, FieldPostcode, "postcode is empty")
			return false
		}
		if a.Huisnummer == 0 {
			c.fail(r, FieldHuisnummer, "huisnummer is empty")
			return false
		}
		key := fmt.Sprintf("%s %d%s", a.Postcode, a.Huisnummer, a.Toevoeging)
		if first, dup := seen[key]; dup {
			c.fail(r, FieldPostcode, fmt.Sprintf("duplicate address %s, first seen on row %d", key, first))
			return false
		}
		g, _, ok := c.location(r, a, nil, false)
		if !ok {
			return false
		}
		seen[key] = r.Row
		c.out.addresses = append(c.out.addresses, store.BAGAddress{Address: a, Point: representativePoint(g)})
		return true
	})
}

// convertGemeenten converts municipality boundaries.
func (c *converter) convertGemeenten() error {
	if !c.has(FieldStatcode) {
		return c.missing("no column for the CBS gemeente code (GM0344)", FieldStatcode)
	}
	if !c.has(FieldStatnaam) {
		return c.missing("no column for the gemeente name", FieldStatnaam)
	}
	if err := c.needLocation(false); err != nil {
		return err
	}
	seen := map[string]int{}
	return c.each(func(r Record) bool {
		code, err := normalizeGMCode(c.val(r, FieldStatcode))
		if err != nil {
			c.fail(r, FieldStatcode, err.Error())
			return false
		}
		if first, dup := seen[code]; dup {
			c.fail(r, FieldStatcode, fmt.Sprintf("duplicate gemeente %s, first seen on row %d", code, first))
			return false
		}
		seen[code] = r.Row
		name := c.val(r, FieldStatnaam)
		if name == "" {
			c.fail(r, FieldStatnaam, "the gemeente name is empty")
		}
		g, _, ok := c.location(r, store.Address{}, nil, false)
		if !ok {
			return false
		}
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon:
		default:
			c.rowErrs = append(c.rowErrs, store.RowError{Row: r.Row, Column: c.geomColumn(),
				Message: fmt.Sprintf("the boundary of %s is a %s, not a polygon", code, g.GeoJSONType())})
			return false
		}
		if len(c.rowErrs) > 0 {
			return false
		}
		c.out.gemeenten = append(c.out.gemeenten, store.Gemeente{Code: code, Name: name,
			ProvincieCode: c.val(r, FieldProvincieCode), ProvincieNaam: c.val(r, FieldProvincieNaam), Geometry: g})
		return true
	})
}

// convertRegions converts the region table: which centrumgemeente heads
// the region of each gemeente. Every centrumgemeente must head its own
// region (its own row names itself).
func (c *converter) convertRegions() error {
	if !c.has(FieldStatcode) {
		return c.missing("no column for the gemeente code (GM0344)", FieldStatcode)
	}
	if !c.has(FieldCentrumgemeente) {
		return c.missing("no column for the centrumgemeente code", FieldCentrumgemeente)
	}
	seen := map[string]int{}
	rowOf := map[int]int{} // index in regions -> row
	err := c.each(func(r Record) bool {
		code, err := normalizeGMCode(c.val(r, FieldStatcode))
		if err != nil {
			c.fail(r, FieldStatcode, err.Error())
		}
		cg, err2 := normalizeGMCode(c.val(r, FieldCentrumgemeente))
		if err2 != nil {
			c.fail(r, FieldCentrumgemeente, "centrumgemeente: "+err2.Error())
		}
		if err != nil || err2 != nil {
			return false
		}
		if first, dup := seen[code]; dup {
			c.fail(r, FieldStatcode, fmt.Sprintf("duplicate gemeente %s, first seen on row %d", code, first))
			return false
		}
		seen[code] = r.Row
		conf := strings.ToLower(c.val(r, FieldConfidence))
		switch conf {
		case "", "hoog", "middel", "laag":
		case "high":
			conf = "hoog"
		case "medium":
			conf = "middel"
		case "low":
			conf = "laag"
		default:
			c.fail(r, FieldConfidence, fmt.Sprintf("confidence %q must be hoog, middel or laag", conf))
			return false
		}
		rowOf[len(c.out.regions)] = r.Row
		c.out.regions = append(c.out.regions, store.RegionMember{Gemeente: code, GemeenteNaam: c.val(r, FieldStatnaam),
			Centrumgemeente: cg, CentrumgemeenteNaam: c.val(r, FieldCentrumgemeenteNm), Confidence: conf, Note: c.val(r, FieldNote)})
		return true
	})
	if err != nil {
		return err
	}
	// Every centrumgemeente must head its own region.
	own := map[string]string{}
	for _, m := range c.out.regions {
		own[m.Gemeente] = m.Centrumgemeente
	}
	bad := map[int]store.RowError{}
	for i, m := range c.out.regions {
		head, listed := own[m.Centrumgemeente]
		switch {
		case !listed:
			bad[i] = store.RowError{Row: rowOf[i], Column: c.cols[FieldCentrumgemeente], Value: m.Centrumgemeente, Message: fmt.Sprintf(
				"centrumgemeente %s has no row of its own: add a row for %s naming itself as centrumgemeente", m.Centrumgemeente, m.Centrumgemeente)}
		case head != m.Centrumgemeente:
			bad[i] = store.RowError{Row: rowOf[i], Column: c.cols[FieldCentrumgemeente], Value: m.Centrumgemeente, Message: fmt.Sprintf(
				"centrumgemeente %s lies itself in the region of %s: a centrumgemeente must head its own region", m.Centrumgemeente, head)}
		}
	}
	if len(bad) == 0 {
		return nil
	}
	kept := c.out.regions[:0]
	for i, m := range c.out.regions {
		if e, ok := bad[i]; ok {
			c.out.errors = append(c.out.errors, e)
			c.out.rejected++
			c.out.valid--
			continue
		}
		kept = append(kept, m)
	}
	c.out.regions = kept
	sort.SliceStable(c.out.errors, func(i, j int) bool { return c.out.errors[i].Row < c.out.errors[j].Row })
	return nil
}
