package api

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/geo"
	"github.com/plekwijzer/plekwijzer/matching"
	"github.com/plekwijzer/plekwijzer/store"
)

func siteProperties() []Property {
	return []Property{
		{Name: "naam", Type: TypeString, Title: "Naam"},
		{Name: "soort", Type: TypeString, Description: "gebouw or kavel"},
		{Name: "bron", Type: TypeString, Description: "source of the inventory"},
		{Name: "bron_ref", Type: TypeString, Description: "reference in the source, e.g. RVB bouwwerkcode"},
		{Name: "straat", Type: TypeString},
		{Name: "huisnummer", Type: TypeInteger},
		{Name: "toevoeging", Type: TypeString},
		{Name: "postcode", Type: TypeString},
		{Name: "plaats", Type: TypeString},
		{Name: "oppervlakte_m2", Type: TypeNumber},
		{Name: "oppervlakte_soort", Type: TypeString, Description: "perceel, BVO or GBO"},
		{Name: "functie", Type: TypeString},
		{Name: "bouwjaar", Type: TypeInteger},
		{Name: "monument", Type: TypeString},
		{Name: "status", Type: TypeString, Description: "vacancy or disposal status (e.g. RVB afstootstatus)"},
		{Name: "eigenaar", Type: TypeString},
		{Name: "beschikbaar_vanaf", Type: TypeDate},
		{Name: "beschikbaar_tot", Type: TypeDate},
		{Name: "gemeente", Type: TypeString, Description: "CBS code GMxxxx"},
		{Name: "gemeente_naam", Type: TypeString},
		{Name: "centrumgemeente", Type: TypeString, Description: "CBS code of the centrumgemeente heading the region"},
		{Name: "centrumgemeente_naam", Type: TypeString},
		{Name: "synthetisch", Type: TypeBoolean, Description: "true for the made-up demo inventory"},
		{Name: "attributen", Type: TypeString, Description: "every other source column, as JSON"},
	}
}

// siteColumns reads the site properties of the site that site(row) returns;
// region(row), when set, overrides the centrumgemeente (a score's region).
func siteColumns(site func(row int) *store.Site, region func(row int) string, n names) []Column {
	str := func(name string, get func(s *store.Site) string) Column {
		return StringColumn(name, func(row int) string { return get(site(row)) })
	}
	centrum := func(row int) string { return site(row).Centrumgemeente }
	if region != nil {
		centrum = func(row int) string {
			if c := region(row); c != "" {
				return c
			}
			return site(row).Centrumgemeente
		}
	}
	return []Column{
		str("naam", func(s *store.Site) string { return s.Name }),
		str("soort", func(s *store.Site) string { return string(s.Kind) }),
		str("bron", func(s *store.Site) string { return s.Source }),
		str("bron_ref", func(s *store.Site) string { return s.SourceRef }),
		str("straat", func(s *store.Site) string { return s.Address.Straat }),
		IntColumn("huisnummer", func(row int) (int, bool) {
			h := site(row).Address.Huisnummer
			return h, h > 0
		}),
		str("toevoeging", func(s *store.Site) string { return s.Address.Toevoeging }),
		str("postcode", func(s *store.Site) string { return s.Address.Postcode }),
		str("plaats", func(s *store.Site) string { return s.Address.Plaats }),
		NumberColumn("oppervlakte_m2", func(row int) (float64, bool) {
			if a := site(row).AreaM2; a != nil {
				return *a, true
			}
			return 0, false
		}),
		str("oppervlakte_soort", func(s *store.Site) string { return s.AreaKind }),
		str("functie", func(s *store.Site) string { return s.Function }),
		IntColumn("bouwjaar", func(row int) (int, bool) {
			if y := site(row).ConstructionYear; y != nil {
				return *y, true
			}
			return 0, false
		}),
		str("monument", func(s *store.Site) string { return s.Monument }),
		str("status", func(s *store.Site) string { return s.Status }),
		str("eigenaar", func(s *store.Site) string { return s.Owner }),
		DateColumn("beschikbaar_vanaf", func(row int) *time.Time { return site(row).AvailableFrom }),
		DateColumn("beschikbaar_tot", func(row int) *time.Time { return site(row).AvailableUntil }),
		str("gemeente", func(s *store.Site) string { return s.Gemeente }),
		str("gemeente_naam", func(s *store.Site) string { return n[s.Gemeente] }),
		StringColumn("centrumgemeente", centrum),
		StringColumn("centrumgemeente_naam", func(row int) string { return n[centrum(row)] }),
		BoolColumn("synthetisch", func(row int) bool {
			s := site(row)
			return s.Source == "synthetisch" || strings.EqualFold(s.Attributes["synthetisch"], "ja")
		}),
		{Name: "attributen", Value: func(row int) any { return attributesJSON(site(row).Attributes) }},
	}
}

// siteProps returns the properties of one site, as the site collections
// serve them.
func siteProps(s *store.Site, n names) map[string]any {
	cols := siteColumns(func(int) *store.Site { return s }, nil, n)
	p := make(map[string]any, len(cols))
	for _, c := range cols {
		p[c.Name] = c.Value(0)
	}
	return p
}

// siteTable is the collection of the sites at rows (indexes into sites, in
// id order), with an R-tree over their geometries.
func siteTable(id, title, desc string, kind store.SiteKind, sites []store.Site, rows []int32, n names) Table {
	site := func(row int) *store.Site { return &sites[rows[row]] }
	return Table{
		Collection: Collection{ID: id, Title: title, Description: desc,
			Keywords: []string{"leegstand", string(kind)}, Properties: siteProperties()},
		Len:      len(rows),
		ID:       func(row int) string { return site(row).ID },
		Geometry: func(row int) orb.Geometry { return site(row).Geometry },
		Columns:  siteColumns(site, nil, n),
		Index:    siteIndex(sites, rows),
	}
}

// siteIndex packs an R-tree over the geometries of the sites at rows.
func siteIndex(sites []store.Site, rows []int32) *geo.BoxIndex {
	return geo.NewBoxIndex(len(rows), func(row int) (orb.Bound, bool) {
		g := sites[rows[row]].Geometry
		if g == nil {
			return orb.Bound{}, false
		}
		return g.Bound(), true
	})
}

// candidateProperties are the properties of a candidate collection: the
// outcome comes first, right after the name, so that tables (HTML, CSV,
// QGIS attribute tables) show it without scrolling. The explanation
// (knock-out reasons, capacity assumptions, criteria) is computed for the
// features a response holds.
func candidateProperties() []Property {
	site := siteProperties()
	props := append([]Property{site[0]},
		Property{Name: "score", Type: TypeNumber, Description: "0-100, the sum of the criteria's contributions"},
		Property{Name: "eligible", Type: TypeBoolean, Description: "false when a knock-out applies"},
		Property{Name: "rank_in_region", Type: TypeInteger, Description: "rank among the eligible sites of the centrumgemeente region; 0 when not eligible"},
		Property{Name: "capacity_units", Type: TypeInteger},
		Property{Name: "capacity_people", Type: TypeInteger},
		Property{Name: "knockouts", Type: TypeString, Description: "knock-out reasons, separated by '; ' (computed for the features returned; not queryable)", Computed: true},
		Property{Name: "gebruik", Type: TypeString, Description: "flex or transformatie"},
		Property{Name: "profiel", Type: TypeString, Description: "scoring profile"},
		Property{Name: "capacity_assumptions", Type: TypeString, Computed: true},
		Property{Name: "criteria", Type: TypeString, Description: "per criterion name, value, unit, normalised, weight and contribution, as JSON (computed for the features returned; not queryable)", Computed: true},
	)
	return append(props, site[1:]...)
}

// candidateTable serves one compact score set: a row per entry, the
// outcome from the entry, the site's properties from the site, and the
// explanation from the engine when a feature is built.
func candidateTable(id, title, desc string, set *matching.CompactSet, sites []store.Site, n names) Table {
	entries := set.Entries
	site := func(row int) *store.Site { return &sites[entries[row].Site] }
	use, profile := string(set.Use), set.Name
	cols := append(siteColumns(site, set.Region, n),
		NumberColumn("score", func(row int) (float64, bool) { return entries[row].Score, true }),
		BoolColumn("eligible", func(row int) bool { return entries[row].Eligible }),
		IntColumn("rank_in_region", func(row int) (int, bool) { return int(entries[row].Rank), true }),
		IntColumn("capacity_units", func(row int) (int, bool) { return int(entries[row].CapacityUnits), true }),
		IntColumn("capacity_people", func(row int) (int, bool) { return int(entries[row].CapacityPeople), true }),
		StringColumn("gebruik", func(int) string { return use }),
		StringColumn("profiel", func(int) string { return profile }),
	)
	return Table{
		Collection: Collection{ID: id, Title: title, Description: desc,
			Keywords: []string{"woonplek", use}, Properties: candidateProperties()},
		Len:      len(entries),
		ID:       func(row int) string { return site(row).ID },
		Geometry: func(row int) orb.Geometry { return site(row).Geometry },
		Columns:  cols,
		Compute: func(row int, props map[string]any) {
			r := set.Explain([]int{row})[0]
			crit, _ := json.Marshal(r.Criteria)
			props["knockouts"] = strings.Join(r.Knockouts, "; ")
			props["capacity_assumptions"] = r.CapacityAssumptions
			props["criteria"] = string(crit)
		},
	}
}

// contextTables serves every context layer as a collection "laag-" + kind.
func contextTables(features []store.Feature) []Table {
	byLayer := map[string][]int32{}
	var order []string
	for i, f := range features {
		if _, ok := byLayer[f.Layer]; !ok {
			order = append(order, f.Layer)
		}
		byLayer[f.Layer] = append(byLayer[f.Layer], int32(i))
	}
	slices.Sort(order)
	out := make([]Table, 0, len(order))
	for _, kind := range order {
		rows := byLayer[kind]
		f := func(row int) *store.Feature { return &features[rows[row]] }
		out = append(out, Table{
			Collection: Collection{ID: layerPrefix + kind, Title: "Contextlaag " + kind,
				Description: "Context layer of kind " + kind + " used by the scoring.",
				Keywords:    []string{"contextlaag", kind},
				Properties:  []Property{{Name: "naam", Type: TypeString}, {Name: "laag", Type: TypeString}, {Name: "attributen", Type: TypeString}},
			},
			Len:      len(rows),
			ID:       func(row int) string { return strconv.FormatInt(f(row).ID, 10) },
			Geometry: func(row int) orb.Geometry { return f(row).Geometry },
			Columns: []Column{
				StringColumn("naam", func(row int) string { return f(row).Name }),
				StringColumn("laag", func(row int) string { return f(row).Layer }),
				{Name: "attributen", Value: func(row int) any { return attributesJSON(f(row).Attributes) }},
			},
		})
	}
	return out
}

// attributesJSON is the attributen property: Go's JSON of the attributes
// (keys sorted), nil when there are none.
func attributesJSON(m map[string]string) any {
	if len(m) == 0 {
		return nil
	}
	b, _ := json.Marshal(m)
	return string(b)
}
