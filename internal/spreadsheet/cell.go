// Package spreadsheet keeps text written for spreadsheets (CSV opened in
// Excel or LibreOffice, workbooks) from being run as a formula.
//
// A cell that starts with '=', '+', '-' or '@' is a formula to Excel, and a
// leading tab or carriage return is trimmed before that test ("CSV
// injection": =HYPERLINK(...), +cmd|' /C calc'!A0). Text gets an apostrophe
// in front, which Excel shows as plain text; numbers that plekwijzer formats
// itself are never passed through Text and stay numbers.
package spreadsheet

// Text returns s as a spreadsheet shows it as text: with an apostrophe in
// front when it would otherwise start a formula.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + s
	}
	return s
}
