-- The language a person chose for their account (NULL: never chosen; the
-- device's language, then French, applies).
ALTER TABLE staff ADD COLUMN language TEXT CHECK (language IN ('fr', 'en'));
