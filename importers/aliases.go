package importers

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/plekwijzer/plekwijzer/store"
)

// Canonical field names. A column is matched to a field through the
// field's aliases (see fieldsFor) or through a Mapping file, which uses these
// names as keys.
const (
	FieldSourceRef      = "bron_ref"
	FieldName           = "naam"
	FieldStraat         = "straat"
	FieldHuisnummer     = "huisnummer"
	FieldHuisletter     = "huisletter"
	FieldToevoeging     = "toevoeging"
	FieldPostcode       = "postcode"
	FieldPlaats         = "plaats"
	FieldAdres          = "adres"
	FieldX              = "x"
	FieldY              = "y"
	FieldLat            = "lat"
	FieldLon            = "lon"
	FieldWKT            = "wkt"
	FieldArea           = "oppervlakte"
	FieldFunction       = "functie"
	FieldBouwjaar       = "bouwjaar"
	FieldMonument       = "monument"
	FieldStatus         = "status"
	FieldOwner          = "eigenaar"
	FieldAvailableFrom  = "beschikbaar_vanaf"
	FieldAvailableUntil = "beschikbaar_tot"

	FieldStatcode          = "statcode"
	FieldStatnaam          = "statnaam"
	FieldProvincieCode     = "provincie_code"
	FieldProvincieNaam     = "provincie_naam"
	FieldCentrumgemeente   = "centrumgemeente_statcode"
	FieldCentrumgemeenteNm = "centrumgemeente_naam"
	FieldConfidence        = "confidence"
	FieldNote              = "note"
)

// field is a canonical field with the headers accepted for it, best first.
type field struct {
	Name    string
	Aliases []string
}

// Alias tables. The first alias found in a file wins, so the order matters:
// for RVB exports bouwwerkcode is preferred over uvid as the source
// reference (uvid then lands in the attributes).
var (
	aliasSourceRef = field{FieldSourceRef, []string{"bron_ref", "source_ref", "bouwwerkcode", "bouwwerkco",
		"objectnummer", "object_id", "objectcode", "kenmerk", "referentie", "uvid", "id", "identificatie"}}
	aliasName       = field{FieldName, []string{"naam", "name", "objectnaam", "omschrijving", "description"}}
	aliasStraat     = field{FieldStraat, []string{"straat", "straatnaam", "openbare_ruimte", "openbareruimtenaam", "openbare_ruimte_naam", "street"}}
	aliasHuisnummer = field{FieldHuisnummer, []string{"huisnummer", "hnr", "huisnr", "housenumber", "house_number"}}
	aliasHuisletter = field{FieldHuisletter, []string{"huisletter", "hlt", "letter"}}
	aliasToevoeging = field{FieldToevoeging, []string{"toevoeging", "huisnummertoevoeging", "huisnummer_toevoeging", "huisnr_toev", "toev", "addition"}}
	aliasPostcode   = field{FieldPostcode, []string{"postcode", "pc", "zip", "zipcode", "postal_code"}}
	aliasPlaats     = field{FieldPlaats, []string{"plaats", "woonplaats", "woonplaatsnaam", "plaatsnaam", "city", "town"}}
	aliasAdres      = field{FieldAdres, []string{"adres", "address", "straat_en_huisnummer", "locatieadres"}}
	aliasX          = field{FieldX, []string{"x", "x_rd", "rd_x", "xcoord", "x_coord", "x_coordinaat", "xcoordinaat", "coord_x"}}
	aliasY          = field{FieldY, []string{"y", "y_rd", "rd_y", "ycoord", "y_coord", "y_coordinaat", "ycoordinaat", "coord_y"}}
	aliasLat        = field{FieldLat, []string{"lat", "latitude", "breedtegraad", "lat_wgs84", "wgs84_lat"}}
	aliasLon        = field{FieldLon, []string{"lon", "lng", "long", "longitude", "lengtegraad", "lon_wgs84", "wgs84_lon"}}
	aliasWKT        = field{FieldWKT, []string{"wkt", "geometrie", "geometry", "the_geom", "geom", "wkt_geom"}}
	aliasArea       = field{FieldArea, []string{"oppervlakte", "opp", "area", "oppervlakte_m2", "opp_m2", "perceeloppervlakte",
		"kaveloppervlakte", "oppervlakte_perceel", "oppervlakte_kavel", "perceel_oppervlakte", "kavel_oppervlakte",
		"vloeroppervlakte", "bruto_vloeroppervlakte", "gebruiksoppervlakte", "bvo", "bvo_m2", "gbo", "gbo_m2", "vvo", "vvo_m2"}}
	aliasFunction = field{FieldFunction, []string{"functie", "gebruiksdoel", "bestemming", "huidig_gebruik",
		"huidige_functie", "oorspronkelijke_functie", "gebruik", "type", "function"}}
	aliasBouwjaar       = field{FieldBouwjaar, []string{"bouwjaar", "construction_year", "bouwjr", "oorspronkelijk_bouwjaar"}}
	aliasMonument       = field{FieldMonument, []string{"monument", "monumentstatus", "rijksmonument", "monumentaal"}}
	aliasStatus         = field{FieldStatus, []string{"status", "afstootstatus", "afstootsta"}}
	aliasOwner          = field{FieldOwner, []string{"eigenaar", "owner", "portefeuille"}}
	aliasAvailableFrom  = field{FieldAvailableFrom, []string{"beschikbaar_vanaf", "beschikbaar_per", "beschikbaar_van", "available_from"}}
	aliasAvailableUntil = field{FieldAvailableUntil, []string{"beschikbaar_tot", "beschikbaar_tm", "available_until"}}

	aliasStatcode  = field{FieldStatcode, []string{"statcode", "gemeentecode", "gm_code", "gmcode", "cbs_code", "code"}}
	aliasStatnaam  = field{FieldStatnaam, []string{"statnaam", "gemeentenaam", "naam", "name"}}
	aliasProvCode  = field{FieldProvincieCode, []string{"provincie_code", "provinciecode", "pv_code", "prov_code"}}
	aliasProvNaam  = field{FieldProvincieNaam, []string{"provincie_naam", "provincienaam", "provincie"}}
	aliasRegioCode = field{FieldStatcode, []string{"statcode", "gemeentecode", "gemeente_code", "gm_code", "gemeente", "code"}}
	aliasRegioNaam = field{FieldStatnaam, []string{"statnaam", "gemeentenaam", "gemeente_naam", "naam"}}
	aliasCGCode    = field{FieldCentrumgemeente, []string{"centrumgemeente_statcode", "centrumgemeente_code", "centrumgemeentecode",
		"cg_statcode", "cg_code", "centrumgemeente"}}
	aliasCGNaam     = field{FieldCentrumgemeenteNm, []string{"centrumgemeente_naam", "centrumgemeentenaam", "cg_naam", "cg_statnaam"}}
	aliasConfidence = field{FieldConfidence, []string{"confidence", "betrouwbaarheid", "zekerheid"}}
	aliasNote       = field{FieldNote, []string{"note", "notitie", "opmerking", "toelichting"}}

	aliasFeatureName = field{FieldName, []string{"naam", "name", "halte_naam", "haltenaam", "stopname", "stop_name",
		"omschrijving", "titel", "title"}}
)

// fieldsFor returns the fields a run kind understands.
func fieldsFor(kind store.RunKind) []field {
	geom := []field{aliasWKT, aliasX, aliasY, aliasLat, aliasLon}
	addr := []field{aliasStraat, aliasHuisnummer, aliasHuisletter, aliasToevoeging, aliasPostcode, aliasPlaats, aliasAdres}
	switch kind {
	case store.RunGebouwen, store.RunKavels:
		fs := []field{aliasSourceRef, aliasName}
		fs = append(fs, addr...)
		fs = append(fs, geom...)
		return append(fs, aliasArea, aliasFunction, aliasBouwjaar, aliasMonument, aliasStatus,
			aliasOwner, aliasAvailableFrom, aliasAvailableUntil)
	case store.RunAdressen:
		return append(addr[:len(addr):len(addr)], geom...)
	case store.RunLaag:
		fs := []field{aliasFeatureName}
		fs = append(fs, addr...)
		return append(fs, geom...)
	case store.RunGemeenten:
		return append([]field{aliasStatcode, aliasStatnaam, aliasProvCode, aliasProvNaam}, geom...)
	case store.RunRegios:
		return []field{aliasRegioCode, aliasRegioNaam, aliasCGCode, aliasCGNaam, aliasConfidence, aliasNote}
	}
	return nil
}

// allKinds lists every run kind, for looking up mapping keys.
var allKinds = []store.RunKind{store.RunGebouwen, store.RunKavels, store.RunAdressen,
	store.RunLaag, store.RunGemeenten, store.RunRegios}

// normalizeHeader folds a header for matching: lower case, accents removed
// (é -> e, ² -> 2), and everything but letters and digits dropped, so that
// "X_RD", "x rd", "X-RD" and "xrd" are equal.
func normalizeHeader(s string) string {
	var b strings.Builder
	for _, r := range norm.NFKD.String(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= 'A' && r <= 'Z':
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// stripUnit removes a trailing unit in brackets from a header:
// "BVO (m2)" -> "BVO", "Afstand [km]" -> "Afstand".
func stripUnit(h string) string {
	h = strings.TrimSpace(h)
	for _, br := range [][2]string{{"(", ")"}, {"[", "]"}} {
		if strings.HasSuffix(h, br[1]) {
			if i := strings.LastIndex(h, br[0]); i > 0 {
				return strings.TrimSpace(h[:i])
			}
		}
	}
	return h
}

// canonicalField returns the canonical field name a mapping key stands for:
// a canonical name itself, or any alias of any run kind.
func canonicalField(key string) (string, bool) {
	k := normalizeHeader(key)
	if k == "" {
		return "", false
	}
	for _, kind := range allKinds {
		for _, f := range fieldsFor(kind) {
			if normalizeHeader(f.Name) == k {
				return f.Name, true
			}
		}
	}
	for _, kind := range allKinds {
		for _, f := range fieldsFor(kind) {
			for _, a := range f.Aliases {
				if normalizeHeader(a) == k {
					return f.Name, true
				}
			}
		}
	}
	return "", false
}

// columns maps canonical field names to the original header of the column
// holding them in one file.
type columns map[string]string

// resolveColumns matches a file's headers to the fields of kind: first the
// user's mapping, then the aliases (best alias first). A column serves at
// most one field. It fails when the mapping names a column the file lacks.
func resolveColumns(file string, headers []string, kind store.RunKind, m *Mapping) (columns, error) {
	byNorm := make(map[string]string, len(headers))
	for _, h := range headers {
		// "Oppervlakte perceel (m2)" also matches the alias oppervlakte_perceel.
		for _, n := range []string{normalizeHeader(h), normalizeHeader(stripUnit(h))} {
			if _, dup := byNorm[n]; !dup && n != "" {
				byNorm[n] = h
			}
		}
	}
	cols := columns{}
	used := map[string]bool{}
	if m != nil {
		for fname, header := range m.Columns {
			h, ok := byNorm[normalizeHeader(header)]
			if !ok {
				return nil, &FileError{File: file, Msg: "the mapping names column " + quote(header) + " for " + fname +
					" but the file has no such column; columns found: " + strings.Join(headers, ", ")}
			}
			cols[fname] = h
			used[h] = true
		}
	}
	for _, f := range fieldsFor(kind) {
		if _, done := cols[f.Name]; done {
			continue
		}
		for _, a := range f.Aliases {
			if h, ok := byNorm[normalizeHeader(a)]; ok && !used[h] {
				cols[f.Name] = h
				used[h] = true
				break
			}
		}
	}
	return cols, nil
}

// aliasesOf returns the accepted headers of a field for kind, for messages.
func aliasesOf(kind store.RunKind, name string) []string {
	for _, f := range fieldsFor(kind) {
		if f.Name == name {
			return f.Aliases
		}
	}
	return nil
}

func quote(s string) string { return "\"" + s + "\"" }
