package matching

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plekwijzer/plekwijzer/store"
)

// Use is what a site would be used for.
type Use string

// Uses.
const (
	// Flex is flexwoningen: temporary modular homes placed on a plot.
	Flex Use = "flex"
	// Transformatie is converting a vacant building into homes.
	Transformatie Use = "transformatie"
)

// Valid reports whether u is a known use.
func (u Use) Valid() bool { return u == Flex || u == Transformatie }

// Metrics: what a criterion or knock-out measures. See criteria.go.
const (
	MetricDistance          = "distance"           // m to the nearest feature of Layer
	MetricCountWithin       = "count_within"       // number of features of Layers within Radius m
	MetricZone              = "zone"               // inside (or within Buffer m of) a feature of Layer; Attribute gives a value
	MetricPlotArea          = "plot_area"          // m² plot area (kavel)
	MetricFloorArea         = "floor_area"         // m² gebruiksoppervlakte (GBO), BVO converted
	MetricCapacityUnits     = "capacity_units"     // units, see capacity.go
	MetricFunction          = "function"           // building function / plot use (text)
	MetricConstructionYear  = "construction_year"  // bouwjaar
	MetricMonument          = "monument"           // monument status (text; "geen" for none)
	MetricDepth             = "depth"              // m building depth (daylight proxy)
	MetricOwner             = "owner"              // owner (text)
	MetricStatus            = "status"             // vacancy/disposal status (text)
	MetricAvailabilityYears = "availability_years" // years from the reference date (or AvailableFrom) to AvailableUntil
	MetricAttribute         = "attribute"          // a site attribute by its column name (Attribute)
)

var metrics = map[string]bool{
	MetricDistance: true, MetricCountWithin: true, MetricZone: true, MetricPlotArea: true,
	MetricFloorArea: true, MetricCapacityUnits: true, MetricFunction: true, MetricConstructionYear: true,
	MetricMonument: true, MetricDepth: true, MetricOwner: true, MetricStatus: true,
	MetricAvailabilityYears: true, MetricAttribute: true,
}

// Value function kinds. See valuefunc.go.
const (
	FuncLinear      = "linear"
	FuncStep        = "step"
	FuncBoolean     = "boolean"
	FuncCategorical = "categorical"
)

// Profile is a declarative scoring profile for one use and one doelgroep.
type Profile struct {
	Name        string `yaml:"name" json:"name"`
	Use         Use    `yaml:"use" json:"use"`
	Title       string `yaml:"title,omitempty" json:"title,omitempty"`
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// SiteKinds are the site kinds the profile scores (gebouw, kavel);
	// empty means kavel for flex and gebouw for transformatie.
	SiteKinds []store.SiteKind `yaml:"site_kinds,omitempty" json:"site_kinds,omitempty"`
	Capacity  Capacity         `yaml:"capacity" json:"capacity"`
	Knockouts []Knockout       `yaml:"knockouts,omitempty" json:"knockouts,omitempty"`
	Criteria  []Criterion      `yaml:"criteria" json:"criteria"`
}

// Criterion is one weighted criterion of a profile.
type Criterion struct {
	Name   string `yaml:"name" json:"name"`
	Metric string `yaml:"metric" json:"metric"`
	// Layer is the context layer kind for distance and zone metrics.
	Layer string `yaml:"layer,omitempty" json:"layer,omitempty"`
	// Layers are the layer kinds counted by count_within.
	Layers []string `yaml:"layers,omitempty" json:"layers,omitempty"`
	// Radius (m) for count_within.
	Radius float64 `yaml:"radius,omitempty" json:"radius,omitempty"`
	// MaxDistance (m) bounds the nearest search of distance; beyond it the
	// value is reported as MaxDistance ("or more"). 0 means 25,000 m.
	MaxDistance float64 `yaml:"max_distance,omitempty" json:"max_distance,omitempty"`
	// Buffer (m): for zone, "within Buffer m of a feature" instead of "inside".
	Buffer float64 `yaml:"buffer,omitempty" json:"buffer,omitempty"`
	// Attribute: for zone, the feature attribute giving the value (e.g. lden);
	// for attribute, the site column.
	Attribute string `yaml:"attribute,omitempty" json:"attribute,omitempty"`
	// Outside is the zone value when the site is in no feature of Layer
	// (e.g. "0" dB outside every noise contour); empty means false / 0.
	Outside string `yaml:"outside,omitempty" json:"outside,omitempty"`

	Unit   string  `yaml:"unit,omitempty" json:"unit,omitempty"`
	Weight float64 `yaml:"weight" json:"weight"`

	// Function is the value function: linear, step, boolean or categorical.
	Function   string     `yaml:"function" json:"function"`
	Thresholds []float64  `yaml:"thresholds,omitempty" json:"thresholds,omitempty"`
	Scores     []float64  `yaml:"scores,omitempty" json:"scores,omitempty"`
	TrueScore  *float64   `yaml:"true_score,omitempty" json:"true_score,omitempty"`
	FalseScore *float64   `yaml:"false_score,omitempty" json:"false_score,omitempty"`
	Categories []Category `yaml:"categories,omitempty" json:"categories,omitempty"`
	Default    *float64   `yaml:"default,omitempty" json:"default,omitempty"`

	Source    string `yaml:"source,omitempty" json:"source,omitempty"`
	Judgement bool   `yaml:"judgement,omitempty" json:"judgement,omitempty"`
}

// Category maps text values to a subscore: a value matches when it contains
// (case-insensitively) one of Match; the first matching category wins.
type Category struct {
	Match []string `yaml:"match" json:"match"`
	Score float64  `yaml:"score" json:"score"`
}

// Knockout excludes a site from the ranking. Exactly one of Zone or Metric is
// set. A zone knock-out fires when the site lies inside (or within Buffer m
// of) a feature of layer Zone; a metric knock-out fires when the measured
// value is below Min, above Max, or (text) contains one of Values. A metric
// knock-out whose value is unknown does not fire.
type Knockout struct {
	Name   string   `yaml:"name" json:"name"`
	Zone   string   `yaml:"zone,omitempty" json:"zone,omitempty"`
	Buffer float64  `yaml:"buffer,omitempty" json:"buffer,omitempty"`
	Metric string   `yaml:"metric,omitempty" json:"metric,omitempty"`
	Attr   string   `yaml:"attribute,omitempty" json:"attribute,omitempty"`
	Min    *float64 `yaml:"min,omitempty" json:"min,omitempty"`
	Max    *float64 `yaml:"max,omitempty" json:"max,omitempty"`
	Values []string `yaml:"values,omitempty" json:"values,omitempty"`
	// Reason is the text shown to the user (Dutch); the zone or value is appended.
	Reason    string `yaml:"reason,omitempty" json:"reason,omitempty"`
	Source    string `yaml:"source,omitempty" json:"source,omitempty"`
	Judgement bool   `yaml:"judgement,omitempty" json:"judgement,omitempty"`
}

// ErrInvalidProfile is wrapped by every profile validation error.
var ErrInvalidProfile = errors.New("invalid profile")

// ProfileError names the field of a profile that is wrong, as a path like
// "criteria[3].thresholds"; it wraps ErrInvalidProfile.
type ProfileError = FieldError[profileKind]

// ProfileErrors is a list of profile validation errors; Error shows them all.
type ProfileErrors = FieldErrors[profileKind]

type profileKind struct{}

func (profileKind) what() string    { return "profile" }
func (profileKind) sentinel() error { return ErrInvalidProfile }

//go:embed profiles/*.yaml
var profileFiles embed.FS

// DefaultProfileNames lists the embedded profiles.
func DefaultProfileNames() []string {
	ents, _ := profileFiles.ReadDir("profiles")
	var names []string
	for _, e := range ents {
		names = append(names, strings.TrimSuffix(e.Name(), ".yaml"))
	}
	sort.Strings(names)
	return names
}

// DefaultProfile returns a fresh copy of an embedded profile: "flexwonen",
// "transformatie" or "skaeve-huse".
func DefaultProfile(name string) (*Profile, error) {
	b, err := profileFiles.ReadFile("profiles/" + name + ".yaml")
	if err != nil {
		return nil, fmt.Errorf("no embedded profile %q (have %s): %w", name, strings.Join(DefaultProfileNames(), ", "), ErrInvalidProfile)
	}
	return ParseProfile(b, name+".yaml")
}

// DefaultProfiles returns the two default profiles, flexwonen and transformatie.
func DefaultProfiles() ([]*Profile, error) {
	f, err := DefaultProfile("flexwonen")
	if err != nil {
		return nil, err
	}
	t, err := DefaultProfile("transformatie")
	if err != nil {
		return nil, err
	}
	return []*Profile{f, t}, nil
}

// LoadProfile reads a profile file (YAML, or JSON when it ends in .json).
func LoadProfile(path string) (*Profile, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read profile: %w", err)
	}
	return ParseProfile(b, filepath.Base(path))
}

// ParseProfile decodes and validates a profile. name is the file name used
// in messages; a name ending in .json is decoded as JSON, anything else as
// YAML (which also accepts JSON). Unknown fields are errors.
func ParseProfile(b []byte, name string) (*Profile, error) {
	var p Profile
	if err := decodeStrict[profileKind](b, name, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, inFile[profileKind](err, name)
	}
	return &p, nil
}

// Kinds returns the site kinds the profile scores.
func (p *Profile) Kinds() []store.SiteKind {
	if len(p.SiteKinds) > 0 {
		return p.SiteKinds
	}
	if p.Use == Transformatie {
		return []store.SiteKind{store.Gebouw}
	}
	return []store.SiteKind{store.Kavel}
}

func (p *Profile) appliesTo(k store.SiteKind) bool {
	for _, x := range p.Kinds() {
		if x == k {
			return true
		}
	}
	return false
}

// Clone returns a deep copy of p.
func (p *Profile) Clone() *Profile {
	b, _ := json.Marshal(p)
	var q Profile
	_ = json.Unmarshal(b, &q)
	return &q
}

// WithWeights returns a copy of p with the named criteria's weights replaced
// (for "score with adjusted weights per request"). Unknown names and invalid
// weights are errors naming the criterion.
func (p *Profile) WithWeights(w map[string]float64) (*Profile, error) {
	q := p.Clone()
	idx := map[string]int{}
	for i, c := range q.Criteria {
		idx[c.Name] = i
	}
	names := make([]string, 0, len(w))
	for n := range w {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		i, ok := idx[n]
		if !ok {
			return nil, &ProfileError{Field: "weights." + n, Msg: fmt.Sprintf("no criterion %q in profile %s", n, p.Name)}
		}
		q.Criteria[i].Weight = w[n]
	}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	return q, nil
}

// Validate checks the profile and returns ProfileErrors naming every wrong
// field, e.g. "criteria[3].thresholds: must be increasing".
func (p *Profile) Validate() error {
	var es ProfileErrors
	add := func(field, format string, a ...any) {
		es = append(es, &ProfileError{Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	if strings.TrimSpace(p.Name) == "" {
		add("name", "is required")
	}
	if !p.Use.Valid() {
		add("use", "must be %q or %q, got %q", Flex, Transformatie, p.Use)
	}
	for i, k := range p.SiteKinds {
		if !k.Valid() {
			add(fmt.Sprintf("site_kinds[%d]", i), "must be %q or %q, got %q", store.Gebouw, store.Kavel, k)
		}
	}
	p.Capacity.validate(p.Use, add)
	seen := map[string]int{}
	var total float64
	if len(p.Criteria) == 0 {
		add("criteria", "at least one criterion is required")
	}
	for i := range p.Criteria {
		c := &p.Criteria[i]
		f := fmt.Sprintf("criteria[%d]", i)
		if c.Name == "" {
			add(f+".name", "is required")
		} else if j, dup := seen[c.Name]; dup {
			add(f+".name", "%q is already used by criteria[%d]", c.Name, j)
		} else {
			seen[c.Name] = i
		}
		validateMetric(f, c.Metric, c.Layer, c.Layers, c.Radius, c.Buffer, c.Attribute, add)
		if c.Metric != MetricCountWithin && (math.IsNaN(c.Radius) || math.IsInf(c.Radius, 0)) {
			add(f+".radius", "must be a finite number (m), got %v", c.Radius)
		}
		if c.Metric != MetricDistance && c.Metric != MetricZone && (math.IsNaN(c.Buffer) || math.IsInf(c.Buffer, 0)) {
			add(f+".buffer", "must be a finite number (m), got %v", c.Buffer)
		}
		if !finiteNonNegative(c.MaxDistance) {
			add(f+".max_distance", "must be a number of 0 or more (m), got %v", c.MaxDistance)
		}
		if math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) || c.Weight < 0 {
			add(f+".weight", "must be a number of 0 or more, got %v", c.Weight)
		} else {
			total += c.Weight
		}
		c.validateFunction(f, add)
	}
	switch {
	case len(p.Criteria) > 0 && total <= 0:
		add("criteria", "the weights must not all be 0")
	case math.IsInf(total, 0):
		add("criteria", "the weights add up to more than the largest number; use weights from 0 to 1000")
	}
	for i, k := range p.Knockouts {
		f := fmt.Sprintf("knockouts[%d]", i)
		if k.Name == "" {
			add(f+".name", "is required")
		}
		switch {
		case k.Zone != "" && k.Metric != "":
			add(f, "set either zone or metric, not both")
		case k.Zone == "" && k.Metric == "":
			add(f, "set zone (a layer kind) or metric")
		case k.Zone != "":
			if !finiteNonNegative(k.Buffer) {
				add(f+".buffer", "must be a number of 0 or more (m), got %v", k.Buffer)
			}
		default:
			if math.IsNaN(k.Buffer) || math.IsInf(k.Buffer, 0) {
				add(f+".buffer", "must be a finite number (m), got %v", k.Buffer)
			}
			switch k.Metric {
			case MetricDistance, MetricCountWithin, MetricZone:
				add(f+".metric", "%q needs a layer; use zone: for a zone knock-out", k.Metric)
			default:
				if !metrics[k.Metric] {
					add(f+".metric", "unknown metric %q", k.Metric)
				}
			}
			if k.Metric == MetricAttribute && k.Attr == "" {
				add(f+".attribute", "is required for metric attribute")
			}
			if k.Min == nil && k.Max == nil && len(k.Values) == 0 {
				add(f, "set min, max or values")
			}
			if k.Min != nil && (math.IsNaN(*k.Min) || math.IsInf(*k.Min, 0)) {
				add(f+".min", "must be a finite number, got %v; leave it out for no lower bound", *k.Min)
			}
			if k.Max != nil && (math.IsNaN(*k.Max) || math.IsInf(*k.Max, 0)) {
				add(f+".max", "must be a finite number, got %v; leave it out for no upper bound", *k.Max)
			}
			if k.Min != nil && k.Max != nil && *k.Min > *k.Max {
				add(f+".max", "must not be below min")
			}
		}
	}
	if len(es) > 0 {
		return es
	}
	return nil
}

func validateMetric(f, metric, layer string, layers []string, radius, buffer float64, attr string, add func(string, string, ...any)) {
	switch metric {
	case "":
		add(f+".metric", "is required")
	case MetricDistance, MetricZone:
		if layer == "" {
			add(f+".layer", "is required for metric %s", metric)
		}
		if !finiteNonNegative(buffer) {
			add(f+".buffer", "must be a number of 0 or more (m), got %v", buffer)
		}
	case MetricCountWithin:
		if len(layers) == 0 && layer == "" {
			add(f+".layers", "is required for metric count_within")
		}
		if !(radius > 0) || math.IsInf(radius, 0) {
			add(f+".radius", "must be a number of more than 0 m for metric count_within, got %v", radius)
		}
	case MetricAttribute:
		if attr == "" {
			add(f+".attribute", "is required for metric attribute")
		}
	default:
		if !metrics[metric] {
			names := make([]string, 0, len(metrics))
			for m := range metrics {
				names = append(names, m)
			}
			sort.Strings(names)
			add(f+".metric", "unknown metric %q (use one of %s)", metric, strings.Join(names, ", "))
		}
	}
}

// finiteNonNegative reports whether v is a finite number of 0 or more.
// Infinite distances are rejected: they cannot be searched, and JSON (used
// by Clone and the API) cannot represent them.
func finiteNonNegative(v float64) bool { return v >= 0 && !math.IsInf(v, 0) }

func validScore(s float64) bool { return s >= 0 && s <= 100 }

func (c *Criterion) validateFunction(f string, add func(string, string, ...any)) {
	switch c.Function {
	case FuncLinear, FuncStep:
		if len(c.Thresholds) == 0 {
			add(f+".thresholds", "is required for function %s", c.Function)
		}
		for i := 1; i < len(c.Thresholds); i++ {
			if !(c.Thresholds[i] > c.Thresholds[i-1]) {
				add(f+".thresholds", "must be increasing (thresholds[%d] = %v follows %v)", i, c.Thresholds[i], c.Thresholds[i-1])
				break
			}
		}
		for i, t := range c.Thresholds {
			if math.IsNaN(t) || math.IsInf(t, 0) {
				add(fmt.Sprintf("%s.thresholds[%d]", f, i), "must be a finite number")
			}
		}
		want := len(c.Thresholds)
		if c.Function == FuncStep {
			want++
		}
		if len(c.Scores) != want {
			if c.Function == FuncStep {
				add(f+".scores", "needs %d values (one more than thresholds: below the first, between each pair, from the last on), got %d", want, len(c.Scores))
			} else {
				add(f+".scores", "needs %d values (one per threshold), got %d", want, len(c.Scores))
			}
		}
		for i, s := range c.Scores {
			if !validScore(s) {
				add(fmt.Sprintf("%s.scores[%d]", f, i), "must be between 0 and 100, got %v", s)
			}
		}
	case FuncBoolean:
		if c.TrueScore == nil {
			add(f+".true_score", "is required for function boolean")
		} else if !validScore(*c.TrueScore) {
			add(f+".true_score", "must be between 0 and 100, got %v", *c.TrueScore)
		}
		if c.FalseScore == nil {
			add(f+".false_score", "is required for function boolean")
		} else if !validScore(*c.FalseScore) {
			add(f+".false_score", "must be between 0 and 100, got %v", *c.FalseScore)
		}
	case FuncCategorical:
		if len(c.Categories) == 0 {
			add(f+".categories", "is required for function categorical")
		}
		for i, cat := range c.Categories {
			if len(cat.Match) == 0 {
				add(fmt.Sprintf("%s.categories[%d].match", f, i), "needs at least one text to match")
			}
			if !validScore(cat.Score) {
				add(fmt.Sprintf("%s.categories[%d].score", f, i), "must be between 0 and 100, got %v", cat.Score)
			}
		}
		if c.Default == nil {
			add(f+".default", "is required for function categorical (the score of a value no category matches)")
		} else if !validScore(*c.Default) {
			add(f+".default", "must be between 0 and 100, got %v", *c.Default)
		}
	case "":
		add(f+".function", "is required (linear, step, boolean or categorical)")
	default:
		add(f+".function", "unknown function %q (use linear, step, boolean or categorical)", c.Function)
	}
}
