package matching

import (
	"strconv"
	"strings"
)

// valueKind says what a measured value holds.
type valueKind uint8

const (
	valMissing valueKind = iota // no data
	valNum                      // num
	valText                     // text (categorical values)
	valBool                     // num is 1 (true) or 0 (false)
)

// value is one measured value of a criterion for a site.
type value struct {
	kind valueKind
	num  float64
	text string
}

func numValue(f float64) value { return value{kind: valNum, num: f} }
func textValue(s string) value { return value{kind: valText, text: s} }
func missingValue() value      { return value{} }
func boolValue(b bool) value {
	if b {
		return value{kind: valBool, num: 1}
	}
	return value{kind: valBool}
}

// asNum returns the value as a number, parsing text ("12,5" and "12.5").
func (v value) asNum() (float64, bool) {
	switch v.kind {
	case valNum, valBool:
		return v.num, true
	case valText:
		s := strings.TrimSpace(strings.ReplaceAll(v.text, ",", "."))
		f, err := strconv.ParseFloat(s, 64)
		return f, err == nil
	}
	return 0, false
}

// asBool reads a value as a yes/no: a number is true when not 0; text is true
// for ja, j, yes, y, true, waar, 1 (any case).
func (v value) asBool() (bool, bool) {
	switch v.kind {
	case valNum, valBool:
		return v.num != 0, true
	case valText:
		switch strings.ToLower(strings.TrimSpace(v.text)) {
		case "ja", "j", "yes", "y", "true", "waar", "1":
			return true, true
		case "nee", "n", "no", "false", "onwaar", "0", "":
			return false, true
		}
	}
	return false, false
}

// asText returns the value as text (numbers formatted).
func (v value) asText() (string, bool) {
	switch v.kind {
	case valText:
		return v.text, true
	case valNum, valBool:
		return strconv.FormatFloat(v.num, 'f', -1, 64), true
	}
	return "", false
}

// Normalise maps a measured value to a subscore 0-100 with the criterion's
// value function. It reports false when the value is missing or of the wrong
// kind (the criterion is then dropped for the site).
//
//   - linear: piecewise linear through (thresholds[i], scores[i]), constant
//     beyond the first and last threshold;
//   - step: scores[0] below thresholds[0], scores[i] for thresholds[i-1] <=
//     v < thresholds[i], scores[n] from thresholds[n-1] on;
//   - boolean: true_score or false_score;
//   - categorical: the score of the first category with a match text
//     contained (case-insensitively) in the value, else default.
func (c *Criterion) normalise(v value) (float64, bool) {
	switch c.Function {
	case FuncLinear:
		x, ok := v.asNum()
		if !ok {
			return 0, false
		}
		return linear(c.Thresholds, c.Scores, x), true
	case FuncStep:
		x, ok := v.asNum()
		if !ok {
			return 0, false
		}
		return step(c.Thresholds, c.Scores, x), true
	case FuncBoolean:
		b, ok := v.asBool()
		if !ok {
			return 0, false
		}
		if b {
			return *c.TrueScore, true
		}
		return *c.FalseScore, true
	case FuncCategorical:
		s, ok := v.asText()
		if !ok {
			return 0, false
		}
		return categorical(c.Categories, *c.Default, s), true
	}
	return 0, false
}

func linear(t, s []float64, x float64) float64 {
	n := len(t)
	if x <= t[0] {
		return s[0]
	}
	if x >= t[n-1] {
		return s[n-1]
	}
	for i := 1; i < n; i++ {
		if x < t[i] {
			f := (x - t[i-1]) / (t[i] - t[i-1])
			return s[i-1] + f*(s[i]-s[i-1])
		}
	}
	return s[n-1]
}

func step(t, s []float64, x float64) float64 {
	for i, th := range t {
		if x < th {
			return s[i]
		}
	}
	return s[len(t)]
}

func categorical(cats []Category, def float64, s string) float64 {
	ls := strings.ToLower(s)
	for _, c := range cats {
		for _, m := range c.Match {
			if strings.Contains(ls, strings.ToLower(m)) {
				return c.Score
			}
		}
	}
	return def
}
