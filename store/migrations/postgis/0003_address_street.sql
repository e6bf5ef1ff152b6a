-- Street keys of BAG addresses, to geocode inventory rows that give straat,
-- huisnummer and plaats but no postcode. straat_key and plaats_key hold
-- the name as streetKey in addresses.go writes it: trimmed, runs of white
-- space folded to one space, typographic apostrophes as ', lower case.
-- Rows stored before this migration are filled here.

ALTER TABLE addresses ADD COLUMN straat_key text NOT NULL DEFAULT '';
ALTER TABLE addresses ADD COLUMN plaats_key text NOT NULL DEFAULT '';

UPDATE addresses SET
	straat_key = lower(btrim(regexp_replace(translate(straat, E'\u2019\u2018\u00a0', ''''' '), '\s+', ' ', 'g'))),
	plaats_key = lower(btrim(regexp_replace(translate(plaats, E'\u2019\u2018\u00a0', ''''' '), '\s+', ' ', 'g')));

CREATE INDEX addresses_street ON addresses (straat_key, plaats_key, huisnummer, toevoeging_key);
