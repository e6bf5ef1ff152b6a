package importers

import (
	"bytes"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// textEncoding names the encoding decodeText found, for tests and messages.
type textEncoding string

const (
	encUTF8        textEncoding = "UTF-8"
	encUTF8BOM     textEncoding = "UTF-8 with BOM"
	encUTF16LE     textEncoding = "UTF-16 LE"
	encUTF16BE     textEncoding = "UTF-16 BE"
	encWindows1252 textEncoding = "Windows-1252"
)

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText turns the bytes of a text export into a Go string: UTF-8 with
// or without BOM, UTF-16 LE/BE with BOM (Excel "Unicode text"), and anything
// that is not valid UTF-8 as Windows-1252 (Excel "CSV (separated by
// semicolons)" on a Dutch Windows). Content that looks binary is refused
// with a *ReadError wrapping ErrBinaryFile.
func decodeText(name string, b []byte) (string, textEncoding, error) {
	switch {
	case bytes.HasPrefix(b, bomUTF8):
		b = b[len(bomUTF8):]
		if err := checkBinary(name, b); err != nil {
			return "", "", err
		}
		if !utf8.Valid(b) {
			// A BOM but broken UTF-8: Windows-1252 is the likeliest truth.
			s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
			return string(s), encWindows1252, nil
		}
		return string(b), encUTF8BOM, nil
	case bytes.HasPrefix(b, bomUTF16LE), bytes.HasPrefix(b, bomUTF16BE):
		enc, name16 := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), encUTF16LE
		if bytes.HasPrefix(b, bomUTF16BE) {
			enc, name16 = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), encUTF16BE
		}
		s, err := enc.NewDecoder().Bytes(b)
		if err != nil {
			return "", "", &ReadError{File: name, Msg: "cannot decode the " + string(name16) + " text: " + err.Error(), Err: err}
		}
		if err := checkBinary(name, s); err != nil {
			return "", "", err
		}
		return string(s), name16, nil
	}
	if err := checkBinary(name, b); err != nil {
		return "", "", err
	}
	if utf8.Valid(b) {
		return string(b), encUTF8, nil
	}
	s, _ := charmap.Windows1252.NewDecoder().Bytes(b)
	return string(s), encWindows1252, nil
}

// binaryHint recognises common non-text files by their first bytes.
func binaryHint(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		return " (it starts like a ZIP archive or .xlsx workbook; if it is a workbook, give it the .xlsx extension)"
	case bytes.HasPrefix(b, []byte{0xD0, 0xCF, 0x11, 0xE0}):
		return " (it starts like an old Excel .xls workbook; save it as .xlsx or CSV)"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return " (it is a PDF document)"
	case bytes.HasPrefix(b, []byte("SQLite format 3")):
		return " (it is an SQLite database or GeoPackage; give it the .gpkg extension)"
	}
	return ""
}

// checkBinary refuses content with NUL bytes or many control characters in
// its first 8 KiB.
func checkBinary(name string, b []byte) error {
	head := b
	if len(head) > 8192 {
		head = head[:8192]
	}
	ctrl := 0
	for _, c := range head {
		switch {
		case c == 0:
			ctrl = len(head) + 1 // any NUL byte is decisive
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != 0x1A:
			ctrl++
		}
		if ctrl > len(head) {
			break
		}
	}
	hint := binaryHint(b)
	if ctrl*20 > len(head) || hint != "" && ctrl > 0 {
		return &ReadError{
			File: name,
			Msg:  "looks like a binary file, not CSV" + hint + "; export the sheet as CSV (UTF-8) or give the .xlsx",
			Err:  ErrBinaryFile,
		}
	}
	return nil
}
