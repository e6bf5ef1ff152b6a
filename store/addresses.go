package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jmoiron/sqlx"
)

// NormalizePostcode returns a postcode in the stored form: upper case
// without spaces ("1234 ab" -> "1234AB"). It does not validate.
func NormalizePostcode(postcode string) string {
	return strings.ToUpper(strings.Join(strings.Fields(postcode), ""))
}

// streetKey is the form straat and plaats are compared in: trimmed, runs
// of white space folded to one space, typographic apostrophes (’ ‘) as ',
// lower case ("  ’s-Gravenhage " -> "'s-gravenhage"). Migration 0003 fills
// the same keys in SQL for rows stored before it.
func streetKey(s string) string {
	s = strings.NewReplacer("\u2019", "'", "\u2018", "'").Replace(s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// toevoegingKey is the form toevoegingen are compared in: trimmed, lower case.
func toevoegingKey(t string) string { return strings.ToLower(strings.TrimSpace(t)) }

// SaveAddresses records run and upserts BAG addresses by postcode,
// huisnummer and toevoeging (normalised as LookupAddress compares them), in
// one transaction. When the same address appears more than once in as, the
// last one wins. An address needs a postcode and a huisnummer; otherwise
// SaveAddresses returns an error wrapping ErrInvalid and nothing changes.
func (s *Store) SaveAddresses(ctx context.Context, run *Run, as []BAGAddress) error {
	type key struct {
		postcode   string
		huisnummer int
		toevoeging string
	}
	last := make(map[key]int, len(as))
	for i, a := range as {
		pc := NormalizePostcode(a.Postcode)
		if pc == "" || a.Huisnummer <= 0 {
			return fmt.Errorf("save addresses of %s: address %d (%q %d%s): %w: postcode and a positive huisnummer are required",
				runFile(run), i+1, a.Postcode, a.Huisnummer, a.Toevoeging, ErrInvalid)
		}
		last[key{pc, a.Huisnummer, toevoegingKey(a.Toevoeging)}] = i
	}
	return s.saveWithRun(ctx, run, "addresses", func(tx *sqlx.Tx, runID int64) error {
		b := newBatchInserter(tx,
			"INSERT INTO addresses (postcode, huisnummer, toevoeging, toevoeging_key, straat, plaats, straat_key, plaats_key, x, y, run_id)",
			"(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			`ON CONFLICT (postcode, huisnummer, toevoeging_key) DO UPDATE SET toevoeging = excluded.toevoeging,
				straat = excluded.straat, plaats = excluded.plaats, straat_key = excluded.straat_key, plaats_key = excluded.plaats_key,
				x = excluded.x, y = excluded.y, run_id = excluded.run_id`,
			11)
		defer b.close()
		for i, a := range as {
			pc, tk := NormalizePostcode(a.Postcode), toevoegingKey(a.Toevoeging)
			if last[key{pc, a.Huisnummer, tk}] != i {
				continue // a later row holds the same address
			}
			if err := b.add(ctx, pc, a.Huisnummer, strings.TrimSpace(a.Toevoeging), tk, a.Straat, a.Plaats,
				streetKey(a.Straat), streetKey(a.Plaats), a.Point[0], a.Point[1], runID); err != nil {
				return fmt.Errorf("write addresses up to %s %d%s: %w", pc, a.Huisnummer, a.Toevoeging, err)
			}
		}
		if err := b.flush(ctx); err != nil {
			return fmt.Errorf("write addresses: %w", err)
		}
		return nil
	})
}

// addressRow is an addresses row.
type addressRow struct {
	Postcode   string  `db:"postcode"`
	Huisnummer int     `db:"huisnummer"`
	Toevoeging string  `db:"toevoeging"`
	Straat     string  `db:"straat"`
	Plaats     string  `db:"plaats"`
	X          float64 `db:"x"`
	Y          float64 `db:"y"`
}

// LookupAddress finds a BAG address by postcode ("1234AB"; case and spaces
// do not matter), huisnummer and toevoeging (case-insensitive and trimmed;
// "" matches the address without one), or ErrNotFound.
func (s *Store) LookupAddress(ctx context.Context, postcode string, huisnummer int, toevoeging string) (BAGAddress, error) {
	pc, tk := NormalizePostcode(postcode), toevoegingKey(toevoeging)
	var r addressRow
	err := s.db.GetContext(ctx, &r, s.q(`SELECT postcode, huisnummer, toevoeging, straat, plaats, x, y FROM addresses
		WHERE postcode = ? AND huisnummer = ? AND toevoeging_key = ?`), pc, huisnummer, tk)
	if errors.Is(err, sql.ErrNoRows) {
		return BAGAddress{}, fmt.Errorf("address %s %d%s: %w", pc, huisnummer, spaced(toevoeging), ErrNotFound)
	}
	if err != nil {
		return BAGAddress{}, fmt.Errorf("look up address %s %d%s: %w", pc, huisnummer, spaced(toevoeging), err)
	}
	return r.bagAddress(), nil
}

func (r addressRow) bagAddress() BAGAddress {
	a := BAGAddress{Address: Address{Straat: r.Straat, Huisnummer: r.Huisnummer, Toevoeging: r.Toevoeging,
		Postcode: r.Postcode, Plaats: r.Plaats}}
	a.Point[0], a.Point[1] = r.X, r.Y
	return a
}

// maxAmbiguous bounds how many matches LookupAddressByStreet reads.
const maxAmbiguous = 100

// LookupAddressByStreet finds a BAG address without its postcode: by straat
// and plaats (the BAG woonplaats), compared case-insensitively after
// trimming, folding runs of spaces and reading ’ and ‘ as ' (so
// "’s-Gravenhage" matches "'s-Gravenhage"), huisnummer, and toevoeging
// compared as LookupAddress does. It returns an error wrapping ErrNotFound
// when no address matches, and one wrapping ErrAmbiguous, naming how many
// and their postcodes, when more than one does.
func (s *Store) LookupAddressByStreet(ctx context.Context, straat string, huisnummer int, toevoeging, plaats string) (BAGAddress, error) {
	sk, pk, tk := streetKey(straat), streetKey(plaats), toevoegingKey(toevoeging)
	what := fmt.Sprintf("%s %d%s, %s", strings.Join(strings.Fields(straat), " "), huisnummer, spaced(toevoeging),
		strings.Join(strings.Fields(plaats), " "))
	if sk == "" || pk == "" || huisnummer <= 0 {
		return BAGAddress{}, fmt.Errorf("address %s: %w", what, ErrNotFound)
	}
	var rs []addressRow
	err := s.db.SelectContext(ctx, &rs, s.q(`SELECT postcode, huisnummer, toevoeging, straat, plaats, x, y FROM addresses
		WHERE straat_key = ? AND plaats_key = ? AND huisnummer = ? AND toevoeging_key = ?
		ORDER BY postcode LIMIT `+fmt.Sprint(maxAmbiguous+1)), sk, pk, huisnummer, tk)
	if err != nil {
		return BAGAddress{}, fmt.Errorf("look up address %s: %w", what, err)
	}
	switch len(rs) {
	case 0:
		return BAGAddress{}, fmt.Errorf("address %s: %w", what, ErrNotFound)
	case 1:
		return rs[0].bagAddress(), nil
	}
	n := fmt.Sprint(len(rs))
	if len(rs) > maxAmbiguous {
		rs, n = rs[:maxAmbiguous], fmt.Sprintf("more than %d", maxAmbiguous)
	}
	pcs := make([]string, len(rs))
	for i, r := range rs {
		pcs[i] = r.Postcode
	}
	return BAGAddress{}, fmt.Errorf("address %s: %w: %s addresses match, with postcodes %s; give the postcode",
		what, ErrAmbiguous, n, strings.Join(pcs, ", "))
}

func spaced(t string) string {
	t = strings.TrimSpace(t)
	if t == "" {
		return ""
	}
	return " " + t
}

// CountAddresses returns how many BAG addresses are stored.
func (s *Store) CountAddresses(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, "SELECT COUNT(*) FROM addresses"); err != nil {
		return 0, fmt.Errorf("count addresses: %w", err)
	}
	return n, nil
}
