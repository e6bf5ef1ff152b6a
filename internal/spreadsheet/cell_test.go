package spreadsheet

import (
	"fmt"
	"testing"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"Kantoor Croeselaan", "Kantoor Croeselaan"},
		{"=HYPERLINK(\"http://x\";\"klik\")", "'=HYPERLINK(\"http://x\";\"klik\")"},
		{"=1+1", "'=1+1"},
		{"@SUM(A1:A2)", "'@SUM(A1:A2)"},
		{"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"\t=1+2", "'\t=1+2"},
		{"\r=1", "'\r=1"},
		{"'al tekst", "'al tekst"},
		{"12,5", "12,5"},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func ExampleText() {
	fmt.Println(Text("=1+1"), Text("Kazerne"))
	// Output: '=1+1 Kazerne
}
