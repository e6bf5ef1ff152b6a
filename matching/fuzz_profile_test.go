package matching

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// FuzzParseProfile feeds user profile files (YAML and JSON) to ParseProfile.
// It must never panic; every error must wrap ErrInvalidProfile, and
// validation errors must name the field and the file. A profile that parses
// must survive Clone, a YAML and a JSON round trip, and WithWeights.
func FuzzParseProfile(f *testing.F) {
	for _, name := range DefaultProfileNames() {
		b, err := profileFiles.ReadFile("profiles/" + name + ".yaml")
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, false)
	}
	f.Add([]byte(`{"name":"x","use":"flex","criteria":[{"name":"a","metric":"plot_area","weight":1,"function":"linear","thresholds":[0,1],"scores":[0,100]}]}`), true)
	f.Add([]byte("name: x\nuse: flex\ncriteria:\n- {name: a, metric: count_within, layers: [ov_halte], radius: .inf, weight: 1, function: boolean, true_score: 100, false_score: 0}\n"), false)
	f.Add([]byte("name: x\nuse: flex\nknockouts:\n- {name: k, metric: plot_area, min: .nan}\ncriteria:\n- {name: a, metric: plot_area, weight: 1e308, function: step, thresholds: [1], scores: [0, 100]}\n- {name: b, metric: plot_area, weight: 1e308, function: step, thresholds: [1], scores: [0, 100]}\n"), false)
	f.Add([]byte(""), false)
	f.Add([]byte("[]"), true)
	f.Fuzz(func(t *testing.T, b []byte, isJSON bool) {
		name := "p.yaml"
		if isJSON {
			name = "p.json"
		}
		p, err := ParseProfile(b, name)
		if err != nil {
			if p != nil {
				t.Fatal("profile with error")
			}
			if !errors.Is(err, ErrInvalidProfile) {
				t.Fatalf("error %v does not wrap ErrInvalidProfile", err)
			}
			var es ProfileErrors
			if errors.As(err, &es) {
				for _, e := range es {
					if e.Field == "" || e.File != name || e.Msg == "" {
						t.Fatalf("error %q does not name its field and file", e)
					}
				}
			}
			return
		}
		// Clone goes through JSON: every valid profile must encode.
		pj, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("valid profile does not encode as JSON (Clone loses it): %v\n%+v", err, p)
		}
		if qj, _ := json.Marshal(p.Clone()); string(pj) != string(qj) {
			t.Fatalf("Clone lost data:\n%s\n%s", pj, qj)
		}
		y, err := yaml.Marshal(p)
		if err != nil {
			t.Fatalf("yaml.Marshal: %v", err)
		}
		if q, err := ParseProfile(y, "round.yaml"); err != nil || !sameProfile(p, q) {
			t.Fatalf("YAML round trip:\n%s\n%v\n%+v\n%+v", y, err, p, q)
		}
		if q, err := ParseProfile(pj, "round.json"); err != nil || !sameProfile(p, q) {
			t.Fatalf("JSON round trip:\n%s\n%v", pj, err)
		}
		w := map[string]float64{}
		for _, c := range p.Criteria {
			w[c.Name] = c.Weight
		}
		if q, err := p.WithWeights(w); err != nil || !sameProfile(p, q) {
			t.Fatalf("WithWeights with the profile's own weights: %v", err)
		}
		if strings.TrimSpace(p.Name) == "" {
			t.Fatal("profile without a name")
		}
	})
}

// sameProfile compares two profiles by their JSON form, so that nil and
// empty lists count as the same.
func sameProfile(a, b *Profile) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

// TestProfileRejectsNonFinite: infinite or NaN numbers (YAML .inf, .nan)
// used to pass validation; Clone (JSON) then silently returned an empty
// profile. Each must now be rejected naming its field.
func TestProfileRejectsNonFinite(t *testing.T) {
	const head = "name: x\nuse: flex\n"
	const crit = "- {name: c, metric: plot_area, weight: 1, function: step, thresholds: [1], scores: [0, 100]}\n"
	for _, tc := range []struct{ yaml, field string }{
		{head + "criteria:\n- {name: a, metric: count_within, layers: [ov_halte], radius: .inf, weight: 1, function: boolean, true_score: 100, false_score: 0}\n", "criteria[0].radius"},
		{head + "criteria:\n- {name: a, metric: distance, layer: ov_halte, max_distance: .inf, weight: 1, function: linear, thresholds: [0, 1], scores: [100, 0]}\n", "criteria[0].max_distance"},
		{head + "criteria:\n- {name: a, metric: zone, layer: geluid, buffer: .inf, weight: 1, function: boolean, true_score: 100, false_score: 0}\n", "criteria[0].buffer"},
		{head + "criteria:\n- {name: a, metric: plot_area, radius: -.inf, weight: 1, function: step, thresholds: [1], scores: [0, 100]}\n", "criteria[0].radius"},
		{head + "criteria:\n- {name: a, metric: plot_area, buffer: .nan, weight: 1, function: step, thresholds: [1], scores: [0, 100]}\n", "criteria[0].buffer"},
		{head + "knockouts:\n- {name: k, metric: plot_area, min: .nan}\ncriteria:\n" + crit, "knockouts[0].min"},
		{head + "knockouts:\n- {name: k, metric: plot_area, max: .inf}\ncriteria:\n" + crit, "knockouts[0].max"},
		{head + "knockouts:\n- {name: k, zone: natura2000, buffer: .inf}\ncriteria:\n" + crit, "knockouts[0].buffer"},
		{head + "criteria:\n" + crit + "- {name: d, metric: plot_area, weight: 1e308, function: step, thresholds: [1], scores: [0, 100]}\n- {name: e, metric: plot_area, weight: 1e308, function: step, thresholds: [1], scores: [0, 100]}\n", "criteria"},
	} {
		_, err := ParseProfile([]byte(tc.yaml), "p.yaml")
		var es ProfileErrors
		if !errors.As(err, &es) {
			t.Errorf("%s: got %v, want a ProfileErrors", tc.field, err)
			continue
		}
		found := false
		for _, e := range es {
			found = found || e.Field == tc.field
		}
		if !found {
			t.Errorf("%s: error does not name the field: %v", tc.field, err)
		}
	}
}
