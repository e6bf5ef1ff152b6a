package cql2

import "testing"

// FuzzParseEquivalence checks that wrapping a filter in parentheses or in a
// double NOT parses and keeps its meaning (three-valued logic: NOT NOT x is
// x, also for unknown), and that parsing is deterministic.
func FuzzParseEquivalence(f *testing.F) {
	for _, s := range []string{
		"gemeente = 'GM0344'", "score > 0.5 AND NOT eligible = true", "score IS NULL OR n >= 3",
		"naam LIKE 'J%'", "n IN (3, 7)", "S_INTERSECTS(geometry, BBOX(0,0,10,10))", "score BETWEEN 0.3 AND 0.5",
		"eligible", "true", "datum > DATE('2023-06-01')",
	} {
		f.Add(s)
	}
	all := append(append([]rec(nil), recs...), rec{})
	f.Fuzz(func(t *testing.T, s string) {
		flt, err := Parse(s)
		if err != nil {
			return
		}
		again, err := Parse(s)
		if err != nil {
			t.Fatalf("second Parse(%q): %v", s, err)
		}
		for _, wrap := range []string{"(" + s + ")", "NOT (NOT (" + s + "))"} {
			w, err := Parse(wrap)
			if err != nil {
				t.Fatalf("Parse(%q) works but Parse(%q) fails: %v", s, wrap, err)
			}
			for i, r := range all {
				if got, want := w.Match(r), flt.Match(r); got != want {
					t.Fatalf("record %d: %q matches %v, %q matches %v", i, wrap, got, s, want)
				}
			}
		}
		for i, r := range all {
			if flt.Match(r) != again.Match(r) {
				t.Fatalf("record %d: Parse(%q) is not deterministic", i, s)
			}
		}
	})
}
