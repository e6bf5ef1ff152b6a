package matching

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultProfilesValid(t *testing.T) {
	for _, n := range DefaultProfileNames() {
		p, err := DefaultProfile(n)
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		for i, c := range p.Criteria {
			if c.Source == "" {
				t.Errorf("%s criteria[%d] %s has no source", n, i, c.Name)
			}
		}
		for i, k := range p.Knockouts {
			if k.Source == "" {
				t.Errorf("%s knockouts[%d] %s has no source", n, i, k.Name)
			}
		}
	}
	f, _ := DefaultProfile("flexwonen")
	var sum float64
	for _, c := range f.Criteria {
		sum += c.Weight
	}
	if sum != 100 {
		t.Errorf("flexwonen weights sum to %v, want 100 (criteria.md §9a)", sum)
	}
}

const base = `name: t
use: flex
criteria:
  - name: a
    metric: plot_area
    weight: 10
    function: linear
    thresholds: [1, 2]
    scores: [0, 100]
`

func TestProfileValidationNamesField(t *testing.T) {
	for _, tc := range []struct {
		name, yaml, want string
	}{
		{"ok", base, ""},
		{"no name", strings.Replace(base, "name: t", "name: ''", 1), "t.yaml: name: is required"},
		{"bad use", strings.Replace(base, "use: flex", "use: kantoor", 1), "use: must be"},
		{"decreasing", strings.Replace(base, "[1, 2]", "[2, 1]", 1), "criteria[0].thresholds: must be increasing"},
		{"scores count", strings.Replace(base, "[0, 100]", "[0]", 1), "criteria[0].scores: needs 2 values"},
		{"score range", strings.Replace(base, "[0, 100]", "[0, 120]", 1), "criteria[0].scores[1]: must be between 0 and 100"},
		{"negative weight", strings.Replace(base, "weight: 10", "weight: -1", 1), "criteria[0].weight: must be a number of 0 or more"},
		{"unknown metric", strings.Replace(base, "plot_area", "fiets", 1), `criteria[0].metric: unknown metric "fiets"`},
		{"distance no layer", strings.Replace(base, "plot_area", "distance", 1), "criteria[0].layer: is required"},
		{"unknown function", strings.Replace(base, "function: linear", "function: log", 1), `criteria[0].function: unknown function "log"`},
		{"categorical no default", strings.Replace(base, "function: linear", "function: categorical\n    categories: [{match: [x], score: 1}]", 1), "criteria[0].default: is required"},
		{"boolean", strings.Replace(base, "function: linear", "function: boolean\n    true_score: 100", 1), "criteria[0].false_score: is required"},
		{"unknown field", base + "    colour: red\n", "field colour not found"},
		{"ko both", base + "knockouts:\n  - {name: x, zone: natura2000, metric: plot_area, min: 1}\n", "knockouts[0]: set either zone or metric"},
		{"ko no bound", base + "knockouts:\n  - {name: x, metric: plot_area}\n", "knockouts[0]: set min, max or values"},
		{"capacity", base + "capacity: {unit_m2: 10}\n", "capacity.unit_m2: must be at least 18"},
		{"zero weights", strings.Replace(base, "weight: 10", "weight: 0", 1), "criteria: the weights must not all be 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseProfile([]byte(tc.yaml), "t.yaml")
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if !errors.Is(err, ErrInvalidProfile) {
				t.Errorf("error does not wrap ErrInvalidProfile: %v", err)
			}
		})
	}
}

func TestProfileJSONAndWeights(t *testing.T) {
	js := `{"name":"j","use":"transformatie","criteria":[{"name":"a","metric":"floor_area","weight":1,"function":"step","thresholds":[50],"scores":[0,100]}]}`
	p, err := ParseProfile([]byte(js), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	q, err := p.WithWeights(map[string]float64{"a": 5})
	if err != nil || q.Criteria[0].Weight != 5 || p.Criteria[0].Weight != 1 {
		t.Fatalf("WithWeights: %v %+v", err, q)
	}
	if _, err := p.WithWeights(map[string]float64{"b": 5}); err == nil || !strings.Contains(err.Error(), "weights.b") {
		t.Errorf("unknown criterion: %v", err)
	}
}

func TestValueFunctions(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	lin := &Criterion{Function: FuncLinear, Thresholds: []float64{400, 1000}, Scores: []float64{100, 0}}
	lin3 := &Criterion{Function: FuncLinear, Thresholds: []float64{0, 10, 20}, Scores: []float64{0, 80, 100}}
	stp := &Criterion{Function: FuncStep, Thresholds: []float64{1994}, Scores: []float64{0, 100}}
	stp2 := &Criterion{Function: FuncStep, Thresholds: []float64{10, 20}, Scores: []float64{10, 50, 90}}
	boo := &Criterion{Function: FuncBoolean, TrueScore: f(0), FalseScore: f(100)}
	cat := &Criterion{Function: FuncCategorical, Categories: []Category{{Match: []string{"kantoor"}, Score: 100}, {Match: []string{"industrie", "sport"}, Score: 30}}, Default: f(50)}
	for _, tc := range []struct {
		name string
		c    *Criterion
		v    value
		want float64
		ok   bool
	}{
		{"linear below", lin, numValue(100), 100, true},
		{"linear at good", lin, numValue(400), 100, true},
		{"linear mid", lin, numValue(700), 50, true},
		{"linear 850", lin, numValue(850), 25, true},
		{"linear beyond", lin, numValue(5000), 0, true},
		{"linear text number", lin, textValue("700,0"), 50, true},
		{"linear missing", lin, missingValue(), 0, false},
		{"linear text", lin, textValue("ver"), 0, false},
		{"3-point 5", lin3, numValue(5), 40, true},
		{"3-point 15", lin3, numValue(15), 90, true},
		{"step 1993", stp, numValue(1993), 0, true},
		{"step 1994", stp, numValue(1994), 100, true},
		{"step2 below", stp2, numValue(9.99), 10, true},
		{"step2 between", stp2, numValue(10), 50, true},
		{"step2 above", stp2, numValue(25), 90, true},
		{"bool true", boo, boolValue(true), 0, true},
		{"bool false", boo, boolValue(false), 100, true},
		{"bool ja", boo, textValue("Ja"), 0, true},
		{"bool garbage", boo, textValue("misschien"), 0, false},
		{"cat kantoor", cat, textValue("Kantoorfunctie"), 100, true},
		{"cat second", cat, textValue("sportfunctie"), 30, true},
		{"cat default", cat, textValue("woonfunctie"), 50, true},
		{"cat missing", cat, missingValue(), 0, false},
	} {
		got, ok := tc.c.normalise(tc.v)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("%s: got %v %v, want %v %v", tc.name, got, ok, tc.want, tc.ok)
		}
	}
}
