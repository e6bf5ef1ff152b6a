-- Street keys of BAG addresses, to geocode inventory rows that give straat,
-- huisnummer and plaats but no postcode. straat_key and plaats_key hold
-- the name as streetKey in addresses.go writes it: trimmed, runs of white
-- space folded to one space, typographic apostrophes as ', lower case.
-- Rows stored before this migration are filled here; SQLite's lower()
-- folds ASCII letters only, so a name with a non-ASCII capital matches
-- by street once the BAG extract is imported again.

ALTER TABLE addresses ADD COLUMN straat_key TEXT NOT NULL DEFAULT '';
ALTER TABLE addresses ADD COLUMN plaats_key TEXT NOT NULL DEFAULT '';

-- Four passes of '  ' -> ' ' fold runs of up to 16 spaces.
UPDATE addresses SET
	straat_key = lower(trim(replace(replace(replace(replace(
		replace(replace(replace(replace(replace(replace(straat,
			char(9), ' '), char(10), ' '), char(13), ' '), char(160), ' '),
			'’', ''''), '‘', ''''),
		'  ', ' '), '  ', ' '), '  ', ' '), '  ', ' '))),
	plaats_key = lower(trim(replace(replace(replace(replace(
		replace(replace(replace(replace(replace(replace(plaats,
			char(9), ' '), char(10), ' '), char(13), ' '), char(160), ' '),
			'’', ''''), '‘', ''''),
		'  ', ' '), '  ', ' '), '  ', ' '), '  ', ' ')));

CREATE INDEX addresses_street ON addresses (straat_key, plaats_key, huisnummer, toevoeging_key);
