package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plekwijzer/plekwijzer/store"
)

// plek runs the CLI in-process and returns its exit code and output.
func plek(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

// inventory is a small RVB-style export as Dutch offices write it: ";"
// separated, decimal commas, RD New coordinates, Windows-1252 would do too.
const inventory = `Bouwwerkcode;Naam;Adres;Postcode;Plaats;X;Y;BVO (m2);Gebruiksdoel;Bouwjaar
2201-0001;Kantoor Croeselaan;Croeselaan 15;3521 BJ;Utrecht;135500,5;455200,25;12.500,5;kantoor;1975
2201-0002;Voormalige school;Laan van Nieuw Oost-Indië 1;2593 BJ;'s-Gravenhage;83000;455500;3.100;onderwijs;1962
2201-0003;Kazerne Zeist;Kampweg 1;3769 DE;Soesterberg;147100;458600;8.000;bijeenkomst;1951
`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func countSites(t *testing.T, db string) int {
	t.Helper()
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountSites(context.Background(), store.SiteFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportTwiceKeepsTheSameSites(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	file := writeFile(t, "rvb.csv", inventory)
	for i := range 2 {
		code, out, errOut := plek(t, "import", "gebouwen", file, "--db", db)
		if code != exitOK {
			t.Fatalf("import %d: exit %d\n%s%s", i+1, code, out, errOut)
		}
		if !strings.Contains(out, "3 read, 3 imported, 0 rejected") {
			t.Fatalf("import %d summary:\n%s", i+1, out)
		}
	}
	if n := countSites(t, db); n != 3 {
		t.Fatalf("after importing the same file twice: %d sites, want 3", n)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	s, err := st.Site(context.Background(), store.SiteID(store.Gebouw, "rvb", "2201-0001"))
	if err != nil {
		t.Fatal(err)
	}
	if s.Gemeente != "GM0344" || s.Centrumgemeente != "GM0344" {
		t.Errorf("Croeselaan: gemeente %q centrumgemeente %q, want GM0344 (Utrecht) for both", s.Gemeente, s.Centrumgemeente)
	}
	if s.AreaM2 == nil || *s.AreaM2 != 12500.5 {
		t.Errorf("BVO 12.500,5 read as %v", s.AreaM2)
	}
}

func TestImportReportsTheBadRowAndItsColumn(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	bad := strings.Replace(inventory, "83000;455500", "83000;45S500", 1)
	file := writeFile(t, "rvb.csv", bad)
	code, out, _ := plek(t, "import", "gebouwen", file, "--db", db)
	if code != exitRejected {
		t.Fatalf("exit %d, want %d (rows rejected)\n%s", code, exitRejected, out)
	}
	for _, want := range []string{"2 imported, 1 rejected", `rvb.csv, row 3, column "Y"`, "45S500"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if n := countSites(t, db); n != 2 {
		t.Errorf("%d sites stored, want the 2 valid rows", n)
	}

	// --strict refuses the whole file and leaves what was stored alone.
	code, out, _ = plek(t, "import", "gebouwen", file, "--db", db, "--strict", "--bron", "ander")
	if code != exitRejected || !strings.Contains(out, "refused") {
		t.Fatalf("strict: exit %d\n%s", code, out)
	}
	if n := countSites(t, db); n != 2 {
		t.Errorf("after a refused run: %d sites, want 2", n)
	}

	// The run and all its errors can be printed again.
	code, out, _ = plek(t, "runs", "--db", db)
	if code != exitOK || !strings.Contains(out, "rvb.csv") {
		t.Fatalf("runs: exit %d\n%s", code, out)
	}
	code, out, _ = plek(t, "runs", "show", "3", "--db", db)
	if code != exitOK || !strings.Contains(out, `row 3, column "Y"`) {
		t.Fatalf("runs show 3: exit %d\n%s", code, out)
	}
}

func TestDryRunStoresNothing(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	file := writeFile(t, "rvb.csv", inventory)
	code, out, _ := plek(t, "import", "gebouwen", "--dry-run", file, "--db", db)
	if code != exitOK || !strings.Contains(out, "dry-run") {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if n := countSites(t, db); n != 0 {
		t.Errorf("dry run stored %d sites", n)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"import"},
		{"import", "huizen", "x.csv"},
		{"import", "laag", "x.csv"},
		{"import", "gebouwen", "x.csv", "--crs", "EPSG:3857"},
		{"runs", "show", "abc"},
		{"bogus"},
	} {
		code, _, errOut := plek(t, append(args, "--db", filepath.Join(t.TempDir(), "t.db"))...)
		if code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", args, code, exitUsage, errOut)
		}
	}
}

func TestMissingFileSaysWhich(t *testing.T) {
	code, out, errOut := plek(t, "import", "gebouwen", "/nonexistent/rvb.csv", "--db", filepath.Join(t.TempDir(), "t.db"))
	if code != exitError || !strings.Contains(out, "rvb.csv") || !strings.Contains(out, "no such file") {
		t.Fatalf("exit %d, output:\n%s%s", code, out, errOut)
	}
	if strings.Contains(errOut, "no such file") {
		t.Errorf("the problem is said twice: once in the run summary and again on stderr:\n%s", errOut)
	}
}
