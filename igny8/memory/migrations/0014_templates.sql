-- Sector attribute templates belong to the account that wrote them (user_contributed, from a template
-- file or the grid editor) or had them designed (ai_generated), and are reused by that account's other
-- sites. Rows from before this migration (account_id NULL) stay shared by every account.
ALTER TABLE sector_templates DROP CONSTRAINT sector_templates_pkey;
ALTER TABLE sector_templates ADD COLUMN id bigserial PRIMARY KEY;
ALTER TABLE sector_templates ADD COLUMN account_id bigint REFERENCES accounts(id) ON DELETE CASCADE;
ALTER TABLE sector_templates ADD COLUMN name text CHECK (name IS NULL OR length(name) BETWEEN 2 AND 100);
ALTER TABLE sector_templates
    ADD CONSTRAINT sector_templates_account_sector UNIQUE NULLS NOT DISTINCT (account_id, sector);
