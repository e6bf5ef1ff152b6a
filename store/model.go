package store

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/paulmach/orb"
)

// SiteKind says whether a site is a vacant building or a vacant plot.
type SiteKind string

const (
	// Gebouw is a vacant building: a candidate for transformatie.
	Gebouw SiteKind = "gebouw"
	// Kavel is a vacant plot: a candidate for flexwoningen.
	Kavel SiteKind = "kavel"
)

// Valid reports whether k is a known site kind.
func (k SiteKind) Valid() bool { return k == Gebouw || k == Kavel }

// Area kinds: what an area figure measures.
const (
	AreaPlot = "perceel" // plot area
	AreaBVO  = "BVO"     // bruto vloeroppervlakte (gross floor area)
	AreaGBO  = "GBO"     // gebruiksoppervlakte (usable floor area)
)

// Address is a Dutch postal address as the BAG writes it.
type Address struct {
	Straat     string `db:"straat" json:"straat,omitempty"`
	Huisnummer int    `db:"huisnummer" json:"huisnummer,omitempty"`
	// Toevoeging holds the huisletter and huisnummertoevoeging, e.g. "a" or "bis" or "2".
	Toevoeging string `db:"toevoeging" json:"toevoeging,omitempty"`
	Postcode   string `db:"postcode" json:"postcode,omitempty"` // normalised "1234AB"
	Plaats     string `db:"plaats" json:"plaats,omitempty"`
}

// IsZero reports whether no part of the address is known.
func (a Address) IsZero() bool { return a == Address{} }

// Site (locatie) is a vacant building or plot from an inventory.
//
// Geometry is always in RD New (EPSG:28992, metres). Attributes keeps every
// source column that has no field of its own, so nothing delivered is lost.
type Site struct {
	ID        string   `json:"id"`       // stable: derived from Kind, Source and SourceRef
	Kind      SiteKind `json:"soort"`    // gebouw or kavel
	Source    string   `json:"bron"`     // e.g. "rvb", "gemeente-utrecht", "synthetisch"
	SourceRef string   `json:"bron_ref"` // e.g. RVB bouwwerkcode or uvid
	Name      string   `json:"naam"`
	Address   Address  `json:"adres"`
	Geometry  orb.Geometry
	AreaM2    *float64 `json:"oppervlakte_m2,omitempty"`
	AreaKind  string   `json:"oppervlakte_soort,omitempty"` // AreaPlot, AreaBVO or AreaGBO
	Function  string   `json:"functie,omitempty"`           // building function (BAG gebruiksdoel) or plot use
	// ConstructionYear is the bouwjaar; nil when unknown.
	ConstructionYear *int   `json:"bouwjaar,omitempty"`
	Monument         string `json:"monument,omitempty"` // e.g. "rijksmonument", "gemeentelijk monument", "" for none
	Status           string `json:"status,omitempty"`   // vacancy/disposal status, e.g. RVB afstootstatus
	Owner            string `json:"eigenaar,omitempty"` // owner or portfolio
	AvailableFrom    *time.Time
	AvailableUntil   *time.Time
	// Gemeente is the CBS code (GMxxxx) found by point-in-polygon; Centrumgemeente
	// the code of the centrumgemeente heading its region.
	Gemeente        string `json:"gemeente,omitempty"`
	Centrumgemeente string `json:"centrumgemeente,omitempty"`
	// Attributes holds every other source column, by its original header.
	Attributes map[string]string `json:"attributen,omitempty"`
	RunID      int64             `json:"run_id,omitempty"`
	UpdatedAt  time.Time         `json:"bijgewerkt"`
}

// Feature is one feature of a context layer: a point (OV stop, supermarket,
// huisarts, ...) or an area (noise zone, Natura 2000, ...), in RD New.
type Feature struct {
	ID         int64             `json:"id"`
	Layer      string            `json:"laag"` // the layer's kind, e.g. "ov_halte", "natura2000"
	Name       string            `json:"naam,omitempty"`
	Geometry   orb.Geometry      `json:"-"`
	Attributes map[string]string `json:"attributen,omitempty"`
	RunID      int64             `json:"run_id,omitempty"`
}

// Gemeente is a municipality with its boundary in RD New.
type Gemeente struct {
	Code          string       `json:"statcode"` // GMxxxx
	Name          string       `json:"statnaam"`
	ProvincieCode string       `json:"provincie_code,omitempty"`
	ProvincieNaam string       `json:"provincie_naam,omitempty"`
	Geometry      orb.Geometry `json:"-"`
}

// RegionMember assigns a gemeente to the centrumgemeente heading its region
// for homeless care (maatschappelijke opvang and beschermd wonen).
type RegionMember struct {
	Gemeente            string `db:"gemeente" json:"statcode"`
	GemeenteNaam        string `db:"gemeente_naam" json:"statnaam"`
	Centrumgemeente     string `db:"centrumgemeente" json:"centrumgemeente_statcode"`
	CentrumgemeenteNaam string `db:"centrumgemeente_naam" json:"centrumgemeente_naam"`
	Confidence          string `db:"confidence" json:"confidence,omitempty"` // hoog, middel, laag
	Note                string `db:"note" json:"note,omitempty"`
}

// BAGAddress is one address of a BAG address extract, used to geocode
// inventory rows that have an address but no coordinates.
type BAGAddress struct {
	Address
	Point orb.Point // RD New
}

// RunKind is what a run imported.
type RunKind string

// Run kinds.
const (
	RunGebouwen  RunKind = "gebouwen"
	RunKavels    RunKind = "kavels"
	RunAdressen  RunKind = "adressen"
	RunLaag      RunKind = "laag"
	RunGemeenten RunKind = "gemeenten"
	RunRegios    RunKind = "regios"
)

// Run statuses.
const (
	RunOK      = "ok"      // all valid rows landed (invalid rows, if any, were rejected)
	RunRefused = "refused" // nothing landed: --strict with a bad row, or no valid row at all
	RunDryRun  = "dry-run" // validated only; nothing written but the run record
	RunFailed  = "failed"  // an error stopped the run; earlier data is intact
)

// Run is one import of one file.
type Run struct {
	ID       int64      `db:"id" json:"id"`
	Kind     RunKind    `db:"kind" json:"soort"`
	Layer    string     `db:"layer" json:"laag,omitempty"` // for RunLaag: the layer kind
	File     string     `db:"file" json:"bestand"`
	SHA256   string     `db:"sha256" json:"sha256"`
	Started  time.Time  `db:"started" json:"gestart"`
	Finished *time.Time `db:"finished" json:"klaar,omitempty"`
	RowsRead int        `db:"rows_read" json:"rijen_gelezen"`
	Imported int        `db:"rows_imported" json:"rijen_geimporteerd"`
	Rejected int        `db:"rows_rejected" json:"rijen_geweigerd"`
	Status   string     `db:"status" json:"status"`
	Message  string     `db:"message" json:"melding,omitempty"`
	Errors   []RowError `db:"-" json:"fouten,omitempty"`
}

// RowError says what is wrong with one row (or the whole file when Row is 0).
type RowError struct {
	Row     int    `db:"row" json:"rij"`             // 1-based data row as the user sees it in the file (header row counted); 0 = file level
	Column  string `db:"col" json:"kolom,omitempty"` // the column header as in the file
	Value   string `db:"value" json:"waarde,omitempty"`
	Message string `db:"message" json:"melding"`
}

// SiteFilter selects sites. Zero values select everything.
type SiteFilter struct {
	Kind            SiteKind
	Gemeente        string
	Centrumgemeente string
	Bound           *orb.Bound // RD New
	Limit           int        // 0 = no limit
	Offset          int
}

// SiteID derives the stable id of a site from its kind, source and source
// reference, so that re-importing the same source updates the same site.
// The id is URL-safe: "g" (gebouw) or "k" (kavel) and 12 hex digits.
func SiteID(kind SiteKind, source, sourceRef string) string {
	return siteIDOf(kind, siteSum(kind, source, sourceRef))
}

// siteSum is the SHA-256 of a site's identity, from which SiteID is derived.
func siteSum(kind SiteKind, source, sourceRef string) [sha256.Size]byte {
	b := make([]byte, 0, 64)
	b = append(append(append(append(append(b, kind...), 0), source...), 0), sourceRef...)
	return sha256.Sum256(b)
}

func siteIDOf(kind SiteKind, sum [sha256.Size]byte) string {
	var id [13]byte
	id[0] = 'k'
	if kind == Gebouw {
		id[0] = 'g'
	}
	hex.Encode(id[1:], sum[:6])
	return string(id[:])
}

// LayerInfo summarises one context layer.
type LayerInfo struct {
	Layer string `db:"layer" json:"laag"`
	Count int    `db:"n" json:"aantal"`
}
