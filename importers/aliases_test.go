package importers

import (
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

func TestStripUnit(t *testing.T) {
	for in, want := range map[string]string{
		"BVO (m2)":                 "BVO",
		"Oppervlakte perceel (m2)": "Oppervlakte perceel",
		"Afstand [km]":             "Afstand",
		"(m2)":                     "(m2)",
		"Naam":                     "Naam",
		" X (RD) ":                 "X",
	} {
		if got := stripUnit(in); got != want {
			t.Errorf("stripUnit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolveColumnsWithUnitsAndDutchHeaders(t *testing.T) {
	headers := []string{"Objectnummer", "Naam", "Geometrie", "Oppervlakte perceel (m2)", "Huidig gebruik", "Status"}
	cols, err := resolveColumns("kavels.csv", headers, store.RunKavels, nil)
	if err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		FieldSourceRef: "Objectnummer", FieldWKT: "Geometrie", FieldArea: "Oppervlakte perceel (m2)",
		FieldFunction: "Huidig gebruik", FieldStatus: "Status",
	} {
		if cols[field] != want {
			t.Errorf("field %s bound to %q, want %q", field, cols[field], want)
		}
	}
	if k := areaKind("Oppervlakte perceel (m2)", store.Kavel); k != store.AreaPlot {
		t.Errorf("area kind %q, want %q", k, store.AreaPlot)
	}
	if k := areaKind("Bruto vloeroppervlakte", store.Gebouw); k != store.AreaBVO {
		t.Errorf("area kind %q, want %q", k, store.AreaBVO)
	}
}
