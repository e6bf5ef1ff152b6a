package importers

import (
	"context"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"github.com/plekwijzer/plekwijzer/store"
)

// importStreetBAG imports a small BAG address extract for the street route.
func importStreetBAG(t *testing.T, st *store.Store) {
	t.Helper()
	adressen := "openbareruimtenaam,huisnummer,huisletter,huisnummertoevoeging,postcode,woonplaatsnaam,geometrie\n" +
		"Domplein,29,,,3512 JE,Utrecht,POINT(136790 455870)\n" +
		"Oudegracht,12,a,,3511AB,Utrecht,POINT(136500 455700)\n" +
		"Lange Voorhout,34,,,2514EE,'s-Gravenhage,POINT(81300 455500)\n" +
		// The same street, number and plaats twice: the street route
		// cannot choose.
		"Dorpsstraat,1,,,1111AA,Ergens,POINT(100000 400000)\n" +
		"Dorpsstraat,1,,,2222BB,Ergens,POINT(100100 400100)\n"
	run, err := Import(context.Background(), st, writeFile(t, "bag.csv", adressen), Options{Kind: store.RunAdressen})
	if err != nil || run.Imported != 5 {
		t.Fatalf("adressen: %v %+v", err, run)
	}
}

func TestImportGeocodesByStreet(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importStreetBAG(t, st)
	sites := "id;naam;straat;huisnummer;toevoeging;postcode;plaats\n" +
		"A;Dom;Domplein;29;;;UTRECHT\n" + // row 2
		"B;Gracht;oudegracht;12;A;;Utrecht\n" + // row 3
		"C;Voorhout;Lange  Voorhout;34;;;’s-Gravenhage\n" + // row 4
		"D;Fout;Domplijn;29;;;Utrecht\n" + // row 5: misspelt
		"E;Dubbel;Dorpsstraat;1;;;Ergens\n" + // row 6: ambiguous
		"F;Toevoeging;Domplein;29;bis;;Utrecht\n" + // row 7: falls back to 29
		"G;Postcode wint;Verkeerde straat;29;;3512JE;Utrecht\n" + // row 8: postcode route first
		"H;Slechte postcode;Domplein;29;;3512 J;Utrecht\n" + // row 9: unusable postcode, street route
		"I;Postcode onbekend;Domplein;29;;9999ZZ;Utrecht\n" + // row 10: postcode route only
		"J;Geen plaats;Domplein;29;;;\n" // row 11: neither route
	run, err := Import(ctx, st, writeFile(t, "s.csv", sites), Options{Kind: store.RunGebouwen})
	if err != nil {
		t.Fatal(err)
	}
	wantPoints := map[string]orb.Point{
		"A": {136790, 455870}, "B": {136500, 455700}, "C": {81300, 455500},
		"F": {136790, 455870}, "G": {136790, 455870}, "H": {136790, 455870},
	}
	if run.Imported != len(wantPoints) || run.Rejected != 4 {
		t.Fatalf("imported %d, rejected %d; want %d, 4; errors %+v", run.Imported, run.Rejected, len(wantPoints), run.Errors)
	}
	for ref, want := range wantPoints {
		s, err := st.Site(ctx, store.SiteID(store.Gebouw, "s", ref))
		if err != nil {
			t.Errorf("site %s: %v", ref, err)
			continue
		}
		if got := s.Geometry.Bound().Min; got != want {
			t.Errorf("site %s geocoded to %v; want %v", ref, got, want)
		}
	}
	byRow := map[int]store.RowError{}
	for _, e := range run.Errors {
		byRow[e.Row] = e
	}
	tests := []struct {
		row    int
		column string
		value  string
		says   []string
	}{
		{5, "straat", "Domplijn 29, Utrecht", []string{"address Domplijn 29, Utrecht not found in the BAG address layer",
			"looked up by straat, huisnummer and plaats", `columns "straat", "huisnummer" and "plaats"`, "add the postcode"}},
		{6, "straat", "Dorpsstraat 1, Ergens", []string{"not unique", "2 addresses match", "1111AA, 2222BB", "give the postcode"}},
		{10, "postcode", "9999ZZ 29", []string{"looked up by postcode and huisnummer", `columns "postcode" and "huisnummer"`, "plekwijzer import adressen"}},
		{11, "", "", []string{"no location", "straat, huisnummer and plaats"}},
	}
	for _, tc := range tests {
		e, ok := byRow[tc.row]
		if !ok {
			t.Errorf("row %d: no error; errors %+v", tc.row, run.Errors)
			continue
		}
		if e.Column != tc.column || e.Value != tc.value {
			t.Errorf("row %d: error at column %q value %q; want %q %q", tc.row, e.Column, e.Value, tc.column, tc.value)
		}
		for _, s := range tc.says {
			if !strings.Contains(e.Message, s) {
				t.Errorf("row %d: message %q does not say %q", tc.row, e.Message, s)
			}
		}
	}
}

func TestImportGeocodesAdresCellByStreet(t *testing.T) {
	ctx := context.Background()
	st := openStore(t)
	importStreetBAG(t, st)
	sites := "id;adres\n" +
		"A;Domplein 29, Utrecht\n" +
		"B;Oudegracht 12 a, Utrecht\n" +
		"C;Kerkstraat 12a, Utrecht\n" +
		"D;Dorpsstraat 1, Ergens\n"
	run, err := Import(ctx, st, writeFile(t, "a.csv", sites), Options{Kind: store.RunKavels})
	if err != nil {
		t.Fatal(err)
	}
	if run.Imported != 2 || run.Rejected != 2 {
		t.Fatalf("imported %d, rejected %d; want 2, 2; errors %+v", run.Imported, run.Rejected, run.Errors)
	}
	s, err := st.Site(ctx, store.SiteID(store.Kavel, "a", "B"))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Geometry.Bound().Min; got != (orb.Point{136500, 455700}) {
		t.Errorf("B geocoded to %v", got)
	}
	e := run.Errors[0]
	if e.Row != 4 || e.Column != "adres" || e.Value != "Kerkstraat 12a, Utrecht" ||
		!strings.Contains(e.Message, "address Kerkstraat 12a, Utrecht not found in the BAG address layer") ||
		!strings.Contains(e.Message, `column "adres"`) || !strings.Contains(e.Message, "add the postcode") {
		t.Errorf("error %+v", e)
	}
	if e := run.Errors[1]; e.Row != 5 || e.Column != "adres" || !strings.Contains(e.Message, "not unique") {
		t.Errorf("error %+v", e)
	}
}
