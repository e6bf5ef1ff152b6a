package importers_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/plekwijzer/plekwijzer/importers"
	"github.com/plekwijzer/plekwijzer/store"
)

// Import an RVB-style CSV (";" separated, decimal commas, RD New
// coordinates) with one bad row: the valid rows land, the bad one is
// reported by row, column and value.
func ExampleImport() {
	ctx := context.Background()
	st, err := store.Open(ctx, ":memory:")
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if err := importers.ImportDefaults(ctx, st); err != nil { // embedded gemeenten and regions
		panic(err)
	}
	dir, err := os.MkdirTemp("", "example")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	file := filepath.Join(dir, "rvb.csv")
	csv := "Bouwwerkcode;Naam;X;Y;BVO\n" +
		"2201-1;Kantoor Croeselaan;135500;455200;12.500,5\n" +
		"2201-2;Voormalige school;83000;abc;3.100\n"
	if err := os.WriteFile(file, []byte(csv), 0o644); err != nil {
		panic(err)
	}

	run, err := importers.Import(ctx, st, file, importers.Options{Kind: store.RunGebouwen})
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s: %d read, %d imported, %d rejected\n", run.Status, run.RowsRead, run.Imported, run.Rejected)
	for _, e := range run.Errors {
		fmt.Printf("row %d, column %q, value %q\n", e.Row, e.Column, e.Value)
	}
	s, err := st.Site(ctx, store.SiteID(store.Gebouw, "rvb", "2201-1"))
	if err != nil {
		panic(err)
	}
	fmt.Println(s.Name, *s.AreaM2, s.Gemeente, s.Centrumgemeente)
	// Output:
	// ok: 2 read, 1 imported, 1 rejected
	// row 3, column "Y", value "abc"
	// Kantoor Croeselaan 12500.5 GM0344 GM0344
}
