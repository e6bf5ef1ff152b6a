//go:build ignore

// gen writes the tabular test fixtures. Run from the importers directory:
//
//	go run ./testdata/tabular/gen.go
package main

import (
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"
)

const dir = "testdata/tabular"

func main() {
	// Excel "CSV (gescheiden door lijstscheidingsteken)" on Dutch Windows:
	// Windows-1252, ';', decimal commas, CRLF, a value with a line break.
	win := strings.Join([]string{
		"Naam;Adres;Postcode;Plaats;Regio;Oppervlakte (m²);X;Y;Opmerking",
		"Café De Hoek;Kerkstraat 12 a;1234 ab;’s-Hertogenbosch;Zuidoost-Brabant;1.234,5;149512,25;411304,5;",
		"Oude school;Schoolstraat 3;5611 AA;Eindhoven;Zuidoost-Brabant;850;161234,0;383456,75;\"Leeg sinds 2021\r\nbegane grond; verdieping\"",
		";;;;;;;;",
		"Kantoor Noord;Stationsplein 1-3;3511 ED;Utrecht;Utrecht;2.500,75;136000,5;456000,25;\"Zie \"\"bijlage\"\"\"",
		"",
	}, "\r\n")
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(win))
	check(err)
	write("leegstand_win1252.csv", b)

	bom := "\ufeffid,naam,lat,lon,oppervlakte\n" +
		"1,\"Kavel Noord, Almere\",52.3702,5.2141,12500\n" +
		"2,Kavel Zuid,52.3501,5.2203,\"1,250.5\"\n"
	write("kavels_utf8bom.csv", []byte(bom))

	tab := "Inventaris kavels gemeente Zwolle 2024\n" +
		"\n" +
		"naam\tgemeente\toppervlakte\tbestemming\n" +
		"Kavel Stadshagen\tZwolle\t4500\twonen\n" +
		"Kavel Hessenpoort\tZwolle\t12000,5\tbedrijven\n"
	write("kavels_tab.txt", []byte(tab))

	writeXLSX()
}

func writeXLSX() {
	f := excelize.NewFile()
	defer f.Close()
	check(f.SetSheetName("Sheet1", "Blad1")) // empty first sheet
	const sh = "Leegstand"
	_, err := f.NewSheet(sh)
	check(err)
	set := func(cell string, v any) { check(f.SetCellValue(sh, cell, v)) }
	set("A1", "Leegstaand vastgoed Rijksvastgoedbedrijf")
	check(f.MergeCell(sh, "A1", "H1"))
	set("A2", "Peildatum: 1 maart 2024")
	hdr := []any{"Naam", "Adres", "Postcode", "Gemeente", "Oppervlakte (m²)", "Leeg sinds", "X", "Y"}
	check(f.SetSheetRow(sh, "A3", &hdr))
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	rows := [][]any{
		{"Belastingkantoor", "Catharijnesingel 59", "3511 GG", "Utrecht", 5230.5, day(2021, time.March, 15), 136512.25, 455321.5},
		{"Douanepost", "Lange Viestraat 2 b", "3511 BK", nil, 812, day(2019, time.December, 1), 136001, 456002.75},
		nil, // row 6 empty
		{"Gevangenis De Koepel", "Harmenjansweg 4", "2031 WJ", "Haarlem", 24500, day(2016, time.July, 1), 104000.5, 489000},
		{"Naam", "Adres", "Postcode", "Gemeente", "Oppervlakte (m²)", "Leeg sinds", "X", "Y"}, // repeated header
		{"Kazerne", "Kazernelaan 1-3", "6800 AA", "Arnhem", 0.000015, day(2023, time.January, 31), 190000, 444000},
	}
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, 4+i)
		check(f.SetSheetRow(sh, cell, &r))
	}
	// Gemeente merged over two data rows.
	check(f.MergeCell(sh, "D4", "D5"))
	// Dates: built-in format 14 on most, a custom Dutch format on one.
	builtin, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	check(err)
	custom := "d-m-yyyy"
	dutch, err := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	check(err)
	check(f.SetCellStyle(sh, "F4", "F9", builtin))
	check(f.SetCellStyle(sh, "F7", "F7", dutch))
	f.SetActiveSheet(1)
	check(f.SaveAs(filepath.Join(dir, "leegstand.xlsx")))
}

func write(name string, b []byte) { check(os.WriteFile(filepath.Join(dir, name), b, 0o644)) }

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
