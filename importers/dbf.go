package importers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/ianaindex"
)

// dbfField is one field descriptor of a dBASE table.
type dbfField struct {
	Name     string
	Type     byte // C, N, F, L, D, M, and the Visual FoxPro binary types I, B, O, Y
	Offset   int  // within the record, after the deletion flag
	Length   int
	Decimals int
}

// dbfTable is a parsed .dbf: field descriptors and the raw records.
type dbfTable struct {
	Fields    []dbfField
	LDID      byte // language driver id (code page) from the header
	data      []byte
	headerLen int
	recordLen int
	count     int
	dec       dbfDecoder
}

// dbfMinHeader is the fixed header (32 bytes) plus the 0x0D terminator.
const dbfMinHeader = 33

// parseDBF parses a dBASE III (or later, FoxPro) table. cpg is the content
// of the .cpg file beside it ("" when absent); it wins over the language
// driver byte in the header.
func parseDBF(data []byte, cpg string) (*dbfTable, error) {
	if len(data) < dbfMinHeader {
		return nil, fmt.Errorf("the .dbf is %d bytes long, too short for a dBASE header", len(data))
	}
	t := &dbfTable{
		data:      data,
		count:     int(binary.LittleEndian.Uint32(data[4:8])),
		headerLen: int(binary.LittleEndian.Uint16(data[8:10])),
		recordLen: int(binary.LittleEndian.Uint16(data[10:12])),
		LDID:      data[29],
	}
	if t.headerLen < dbfMinHeader || t.headerLen > len(data) {
		return nil, fmt.Errorf("the .dbf header length %d is invalid (file is %d bytes): not a dBASE file or truncated", t.headerLen, len(data))
	}
	if t.recordLen < 1 {
		return nil, fmt.Errorf("the .dbf record length %d is invalid", t.recordLen)
	}
	t.dec = dbfDecoderFor(cpg, t.LDID)

	seen := map[string]bool{}
	offset := 0
	for pos := 32; pos+32 <= t.headerLen && data[pos] != 0x0D; pos += 32 {
		d := data[pos : pos+32]
		raw := d[:11]
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		f := dbfField{
			Name:     strings.TrimSpace(t.dec.decode(raw)),
			Type:     d[11],
			Offset:   offset,
			Length:   int(d[16]),
			Decimals: int(d[17]),
		}
		if f.Type == 'C' && f.Decimals > 0 {
			// Clipper/FoxPro: long character fields use the decimals byte as the high byte.
			f.Length += f.Decimals << 8
			f.Decimals = 0
		}
		offset += f.Length
		if f.Name == "" {
			f.Name = "FIELD" + strconv.Itoa(len(t.Fields)+1)
		}
		f.Name = uniqueColumnName(seen, f.Name)
		seen[f.Name] = true
		t.Fields = append(t.Fields, f)
	}
	if 1+offset > t.recordLen {
		return nil, fmt.Errorf("the .dbf fields need %d bytes per record but the header says %d: the file is corrupt", 1+offset, t.recordLen)
	}
	if avail := (len(data) - t.headerLen) / t.recordLen; t.count > avail {
		t.count = avail
	}
	return t, nil
}

// Len is the number of records (deleted ones included).
func (t *dbfTable) Len() int { return t.count }

// Columns lists the field names, memo fields left out.
func (t *dbfTable) Columns() []string {
	cols := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		if f.Type != 'M' {
			cols = append(cols, f.Name)
		}
	}
	return cols
}

// Record returns the values of record i (0-based) and whether it is deleted.
func (t *dbfTable) Record(i int) (map[string]string, bool) {
	start := t.headerLen + i*t.recordLen
	rec := t.data[start : start+t.recordLen]
	deleted := rec[0] == '*'
	values := make(map[string]string, len(t.Fields))
	for _, f := range t.Fields {
		if f.Type == 'M' {
			continue // memo fields live in a .dbt/.fpt that plekwijzer does not read
		}
		values[f.Name] = t.value(f, rec[1+f.Offset:1+f.Offset+f.Length])
	}
	return values, deleted
}

// value renders one field of a record as text.
func (t *dbfTable) value(f dbfField, raw []byte) string {
	switch f.Type {
	case 'N', 'F':
		s := strings.TrimSpace(string(bytes.Trim(raw, "\x00")))
		if strings.Trim(s, "*") == "" { // empty or overflow marker
			return ""
		}
		return trimDecimalZeros(s)
	case 'D':
		s := strings.TrimSpace(string(bytes.Trim(raw, "\x00")))
		if s == "" || strings.Trim(s, "0") == "" {
			return ""
		}
		if len(s) == 8 && isDigits(s) {
			return s[0:4] + "-" + s[4:6] + "-" + s[6:8]
		}
		return s
	case 'L':
		if len(raw) == 0 {
			return ""
		}
		switch raw[0] {
		case 'T', 't', 'Y', 'y':
			return "true"
		case 'F', 'f', 'N', 'n':
			return "false"
		}
		return ""
	case 'I':
		if len(raw) != 4 {
			return ""
		}
		return strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(raw))), 10)
	case 'O', 'B':
		if len(raw) != 8 {
			return strings.TrimSpace(string(raw))
		}
		v := math.Float64frombits(binary.LittleEndian.Uint64(raw))
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return formatFloat(v)
	case 'Y':
		if len(raw) != 8 {
			return ""
		}
		return formatFloat(float64(int64(binary.LittleEndian.Uint64(raw))) / 10000)
	}
	return strings.TrimSpace(t.dec.decode(bytes.TrimRight(raw, "\x00 ")))
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// dbfDecoder turns DBF bytes into UTF-8 text. A nil enc means "UTF-8 when
// valid, else Windows-1252" (no declared encoding).
type dbfDecoder struct {
	enc  encoding.Encoding
	utf8 bool // declared UTF-8
}

func (d dbfDecoder) decode(b []byte) string {
	if d.utf8 || (d.enc == nil && utf8.Valid(b)) {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	enc := d.enc
	if enc == nil {
		enc = charmap.Windows1252
	}
	s, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

// dbfDecoderFor picks the text encoding: the .cpg file when present and
// known, else the DBF language driver id.
func dbfDecoderFor(cpg string, ldid byte) dbfDecoder {
	if d, ok := cpgDecoder(cpg); ok {
		return d
	}
	if enc := ldidEncoding(ldid); enc != nil {
		return dbfDecoder{enc: enc}
	}
	return dbfDecoder{}
}

// cpgDecoder interprets a .cpg: "UTF-8", "1252", "ANSI 1252", "CP1252",
// "ISO-8859-1", "windows-1252", "65001", ...
func cpgDecoder(cpg string) (dbfDecoder, bool) {
	s := strings.ToUpper(strings.TrimSpace(strings.TrimPrefix(cpg, "\xef\xbb\xbf")))
	if s == "" {
		return dbfDecoder{}, false
	}
	s = strings.TrimSpace(strings.TrimPrefix(s, "ANSI"))
	s = strings.TrimPrefix(s, "CP")
	s = strings.TrimPrefix(s, "WINDOWS-")
	s = strings.TrimPrefix(s, "WINDOWS")
	switch strings.NewReplacer("-", "", "_", "", " ", "").Replace(s) {
	case "UTF8", "65001":
		return dbfDecoder{utf8: true}, true
	case "88591", "ISO88591", "LATIN1", "28591":
		return dbfDecoder{enc: charmap.ISO8859_1}, true
	case "885915", "ISO885915", "LATIN9", "28605":
		return dbfDecoder{enc: charmap.ISO8859_15}, true
	}
	if isDigits(s) {
		n, _ := strconv.Atoi(s)
		if enc := codePageEncoding(n); enc != nil {
			return dbfDecoder{enc: enc}, true
		}
		return dbfDecoder{}, false
	}
	enc, err := ianaindex.IANA.Encoding(strings.TrimSpace(cpg))
	if err != nil || enc == nil {
		return dbfDecoder{}, false
	}
	return dbfDecoder{enc: enc}, true
}

// codePageEncoding maps a Windows/DOS code page number to an encoding.
func codePageEncoding(cp int) encoding.Encoding {
	switch cp {
	case 437:
		return charmap.CodePage437
	case 850:
		return charmap.CodePage850
	case 852:
		return charmap.CodePage852
	case 858:
		return charmap.CodePage858
	case 866:
		return charmap.CodePage866
	case 1250:
		return charmap.Windows1250
	case 1251:
		return charmap.Windows1251
	case 1252:
		return charmap.Windows1252
	case 1253:
		return charmap.Windows1253
	case 1254:
		return charmap.Windows1254
	case 1257:
		return charmap.Windows1257
	}
	return nil
}

// ldidEncoding maps the DBF language driver id (header byte 29) to an
// encoding; nil for 0 (not set) and unknown ids.
func ldidEncoding(ldid byte) encoding.Encoding {
	switch ldid {
	case 0x01:
		return charmap.CodePage437
	case 0x02:
		return charmap.CodePage850
	case 0x03, 0x57, 0x58, 0x59:
		return charmap.Windows1252
	case 0x64:
		return charmap.CodePage852
	case 0x65:
		return charmap.CodePage866
	case 0x7D:
		return charmap.Windows1255
	case 0x7E:
		return charmap.Windows1256
	case 0xC8:
		return charmap.Windows1250
	case 0xC9:
		return charmap.Windows1251
	case 0xCA:
		return charmap.Windows1254
	case 0xCB:
		return charmap.Windows1253
	}
	return nil
}
