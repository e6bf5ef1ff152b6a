package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func bagAddr(straat string, nr int, toev, pc, plaats string, x, y float64) BAGAddress {
	return BAGAddress{Address: Address{Straat: straat, Huisnummer: nr, Toevoeging: toev, Postcode: pc, Plaats: plaats},
		Point: orb.Point{x, y}}
}

func TestLookupAddressByStreet(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		as := []BAGAddress{
			bagAddr("Kerkstraat", 12, "", "3511AB", "Utrecht", 1, 1),
			bagAddr("Kerkstraat", 12, "a", "3511AB", "Utrecht", 2, 2),
			bagAddr("Kerkstraat", 12, "", "1017GC", "Amsterdam", 3, 3),
			bagAddr("Lange Voorhout", 34, "", "2514EE", "'s-Gravenhage", 4, 4),
			bagAddr("2e Oosterparkstraat", 45, "HS", "1091HA", "Amsterdam", 5, 5),
			// The same street, number and plaats under two postcodes: should
			// not happen in the BAG, but the lookup must not pick one.
			bagAddr("Dorpsstraat", 1, "", "1111AA", "Ergens", 6, 6),
			bagAddr("Dorpsstraat", 1, "", "2222BB", "Ergens", 7, 7),
			bagAddr("Élandstraat", 7, "", "2513GR", "'s-Gravenhage", 8, 8),
		}
		if err := s.SaveAddresses(ctx, okRun(RunAdressen, "bag.csv"), as); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name               string
			straat             string
			nr                 int
			toev, plaats       string
			want               orb.Point // zero: not found
			ambiguous          bool
			wantPC, wantStraat string
		}{
			{"exact", "Kerkstraat", 12, "", "Utrecht", orb.Point{1, 1}, false, "3511AB", "Kerkstraat"},
			{"case and spaces", "  KERKSTRAAT ", 12, "", "utrecht ", orb.Point{1, 1}, false, "3511AB", "Kerkstraat"},
			{"toevoeging case", "Kerkstraat", 12, " A ", "Utrecht", orb.Point{2, 2}, false, "3511AB", "Kerkstraat"},
			{"other plaats", "kerkstraat", 12, "", "AMSTERDAM", orb.Point{3, 3}, false, "1017GC", "Kerkstraat"},
			{"folded spaces", "Lange   Voorhout", 34, "", "'s-Gravenhage", orb.Point{4, 4}, false, "2514EE", "Lange Voorhout"},
			{"typographic apostrophe", "lange voorhout", 34, "", "’s-Gravenhage", orb.Point{4, 4}, false, "2514EE", "Lange Voorhout"},
			{"left quote apostrophe", "Lange Voorhout", 34, "", "‘S-GRAVENHAGE", orb.Point{4, 4}, false, "2514EE", "Lange Voorhout"},
			{"tab in street", "2e\tOosterparkstraat", 45, "hs", "Amsterdam", orb.Point{5, 5}, false, "1091HA", "2e Oosterparkstraat"},
			{"non-ASCII capital", "ÉLANDSTRAAT", 7, "", "'s-gravenhage", orb.Point{8, 8}, false, "2513GR", "Élandstraat"},
			{"unknown toevoeging", "Kerkstraat", 12, "b", "Utrecht", orb.Point{}, false, "", ""},
			{"toevoeging missing", "2e Oosterparkstraat", 45, "", "Amsterdam", orb.Point{}, false, "", ""},
			{"misspelt street", "Kerkstrat", 12, "", "Utrecht", orb.Point{}, false, "", ""},
			{"wrong plaats", "Kerkstraat", 12, "", "Utrecht-Zuid", orb.Point{}, false, "", ""},
			{"wrong number", "Kerkstraat", 13, "", "Utrecht", orb.Point{}, false, "", ""},
			{"empty plaats", "Kerkstraat", 12, "", "", orb.Point{}, false, "", ""},
			{"empty straat", "", 12, "", "Utrecht", orb.Point{}, false, "", ""},
			{"ambiguous", "dorpsstraat", 1, "", "ergens", orb.Point{}, true, "", ""},
		}
		for _, tc := range tests {
			got, err := s.LookupAddressByStreet(ctx, tc.straat, tc.nr, tc.toev, tc.plaats)
			switch {
			case tc.ambiguous:
				if !errors.Is(err, ErrAmbiguous) || !strings.Contains(err.Error(), "2 addresses match") ||
					!strings.Contains(err.Error(), "1111AA, 2222BB") {
					t.Errorf("%s: LookupAddressByStreet = %+v, %v; want ErrAmbiguous naming 2 matches and their postcodes", tc.name, got, err)
				}
			case tc.want == orb.Point{}:
				if !errors.Is(err, ErrNotFound) {
					t.Errorf("%s: LookupAddressByStreet = %+v, %v; want ErrNotFound", tc.name, got, err)
				}
			case err != nil:
				t.Errorf("%s: LookupAddressByStreet: %v", tc.name, err)
			case got.Point != tc.want || got.Postcode != tc.wantPC || got.Straat != tc.wantStraat || got.Huisnummer != tc.nr:
				t.Errorf("%s: LookupAddressByStreet = %+v; want point %v postcode %s straat %s", tc.name, got, tc.want, tc.wantPC, tc.wantStraat)
			}
		}
		_, err := s.LookupAddressByStreet(ctx, "Kerkstrat", 12, "a", "Utrecht")
		if err == nil || !strings.Contains(err.Error(), "Kerkstrat 12 a, Utrecht") {
			t.Errorf("not found error %v does not name the address", err)
		}

		// Upserting an address under the same postcode and number moves
		// its street keys along.
		if err := s.SaveAddresses(ctx, okRun(RunAdressen, "bag2.csv"),
			[]BAGAddress{bagAddr("Kerkplein", 12, "", "3511 ab", "Utrecht", 9, 9)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.LookupAddressByStreet(ctx, "Kerkstraat", 12, "", "Utrecht"); !errors.Is(err, ErrNotFound) {
			t.Errorf("old street after upsert: %v; want ErrNotFound", err)
		}
		if got, err := s.LookupAddressByStreet(ctx, "kerkplein", 12, "", "utrecht"); err != nil || got.Point != (orb.Point{9, 9}) {
			t.Errorf("new street after upsert = %+v, %v", got, err)
		}
	})
}

// TestMigrationStreetKeysMatchGo runs the backfill statement of migration
// 0003 over rows written without street keys (as before the migration) and
// checks the keys equal streetKey's, so old rows are found like new ones.
func TestMigrationStreetKeysMatchGo(t *testing.T) {
	forEachDB(t, func(t *testing.T, s *Store) {
		ctx := context.Background()
		ms, err := loadMigrations(s.Backend())
		if err != nil {
			t.Fatal(err)
		}
		var update string
		for _, m := range ms {
			if m.version == 3 {
				_, after, ok := strings.Cut(m.sql, "UPDATE addresses")
				stmt, _, ok2 := strings.Cut(after, ";\n\nCREATE INDEX")
				if !ok || !ok2 {
					t.Fatalf("cannot find the backfill UPDATE in %s", m.name)
				}
				update = "UPDATE addresses" + stmt
			}
		}
		if update == "" {
			t.Fatal("no migration 0003")
		}
		if err := s.SaveAddresses(ctx, okRun(RunAdressen, "bag.csv"), nil); err != nil {
			t.Fatal(err)
		}
		var runID int64
		if err := s.DB().GetContext(ctx, &runID, "SELECT MAX(id) FROM runs"); err != nil {
			t.Fatal(err)
		}
		names := [][2]string{
			{"Kerkstraat", "Utrecht"},
			{"  Lange \t  Voorhout  ", "’s-Gravenhage"},
			{"Laan   van     Meerdervoort", "‘s-Gravenhage"},
			{"2E OOSTERPARKSTRAAT", "AMSTERDAM"},
			{"Oude\u00a0Gracht", "Utrecht"},
			{"", ""},
		}
		for i, n := range names {
			_, err := s.DB().ExecContext(ctx, s.q(`INSERT INTO addresses (postcode, huisnummer, toevoeging, toevoeging_key, straat, plaats, x, y, run_id)
				VALUES (?, ?, '', '', ?, ?, 0, 0, ?)`), "1000AA", i+1, n[0], n[1], runID)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.DB().ExecContext(ctx, update); err != nil {
			t.Fatalf("backfill: %v", err)
		}
		for i, n := range names {
			var got struct {
				S string `db:"straat_key"`
				P string `db:"plaats_key"`
			}
			if err := s.DB().GetContext(ctx, &got, s.q("SELECT straat_key, plaats_key FROM addresses WHERE huisnummer = ?"), i+1); err != nil {
				t.Fatal(err)
			}
			if got.S != streetKey(n[0]) || got.P != streetKey(n[1]) {
				t.Errorf("backfill of %q, %q = %q, %q; streetKey gives %q, %q", n[0], n[1], got.S, got.P, streetKey(n[0]), streetKey(n[1]))
			}
		}
	})
}

func TestStreetKey(t *testing.T) {
	for in, want := range map[string]string{
		"Kerkstraat":           "kerkstraat",
		"  Lange   Voorhout ":  "lange voorhout",
		"’s-Gravenhage":        "'s-gravenhage",
		"‘S-GRAVENHAGE":        "'s-gravenhage",
		"'s-Hertogenbosch":     "'s-hertogenbosch",
		"Élandstraat":          "élandstraat",
		"2e\tOosterparkstraat": "2e oosterparkstraat",
		"":                     "",
	} {
		if got := streetKey(in); got != want {
			t.Errorf("streetKey(%q) = %q; want %q", in, got, want)
		}
	}
}
