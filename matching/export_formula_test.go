package matching

import (
	"bytes"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	site := store.Site{ID: "k000000000001", Kind: store.Kavel, Name: "=HYPERLINK(\"http://evil\";\"klik\")", Geometry: orb.Point{155000, 463000}}
	r := Result{SiteID: site.ID, SiteKind: store.Kavel, Use: Flex, Profile: "flexwonen", Score: 50,
		Knockouts: []string{"@SUM(A1)"}, Criteria: []CriterionResult{{Name: "functie", Text: "+cmd|' /C calc'!A0", Normalised: 50, Weight: 100, Contribution: 50}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []Result{r}, []store.Site{site}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{`"'=HYPERLINK(""http://evil"";""klik"")"`, "'@SUM(A1)", "'+cmd|"} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %s:\n%s", want, out)
		}
	}
}
