-- Custom migration: what drizzle-kit cannot express (spec 06 §1, §2).
-- pg_trgm backs the trigram search indexes of later tables; it is the only extension we use.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
-- One trigger function keeps every updated_at column honest; tables attach it per table.
CREATE OR REPLACE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;
