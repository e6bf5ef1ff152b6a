package api

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// encodingJSON is what writeJSONBody writes for v, without the newline.
func encodingJSON(t testing.TB, v any) string {
	var buf bytes.Buffer
	if err := writeJSONBody(&buf, v); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func TestAppendValueLikeEncodingJSON(t *testing.T) {
	for _, v := range []any{
		nil, true, false, 0, -17, int64(1) << 40, 0.0, math.Copysign(0, -1), 1.5, 100.00000000000001, 1e-7, 1e21, 123456789.125, math.MaxFloat64,
		"", "naam", `quote " backslash \ slash /`, "tab\tnl\ncr\r", "\x00\x1f", "<html>&amp;", "é ü ß 中文", "\u2028\u2029",
		"bad \xff utf8", []string{"a"}, map[string]any{"k": 1},
	} {
		got, err := appendValue(nil, v)
		if err != nil {
			t.Fatal(err)
		}
		if want := encodingJSON(t, v); string(got) != want {
			t.Errorf("appendValue(%#v) = %s, encoding/json writes %s", v, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "a\"b", "\xff\xfe", "\u2028", "<>&", "\x7f"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := appendJSONString(nil, s)
		if want := encodingJSON(t, s); string(got) != want {
			t.Fatalf("appendJSONString(%q) = %s, encoding/json writes %s", s, got, want)
		}
		var back string
		if err := json.Unmarshal(got, &back); err != nil {
			t.Fatalf("%s is not JSON: %v", got, err)
		}
	})
}

func FuzzAppendFloat(f *testing.F) {
	for _, v := range []float64{0, 1, -1.5, 1e-7, 1e21, 5.000000000000001, 155000.123} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if got, want := string(appendFloat(nil, v)), encodingJSON(t, v); got != want {
			t.Fatalf("appendFloat(%v) = %s, encoding/json writes %s", v, got, want)
		}
	})
}

func TestCSVNeutralisesFormulas(t *testing.T) {
	l := Layer{Collection: Collection{ID: "x", Properties: []Property{{Name: "naam", Type: TypeString}, {Name: "score", Type: TypeNumber}}},
		Features: []Feature{{ID: "1", Properties: map[string]any{"naam": "=HYPERLINK(\"http://evil\";\"klik\")", "score": -12.5}}}}
	srv, err := New(NewMemoryCatalog(l.Table()), Config{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	srv.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/collections/x/items?f=csv&decimal=comma", nil))
	body := rec.Body.String()
	if !strings.Contains(body, `"'=HYPERLINK(""http://evil"";""klik"")"`) || !strings.Contains(body, ";-12,5;") {
		t.Errorf("formula not neutralised, or a number turned into text:\n%s", body)
	}
}
