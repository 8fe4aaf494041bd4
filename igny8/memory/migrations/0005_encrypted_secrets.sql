-- Credentials are stored encrypted (igny8/memory/secret_box.py): a Fernet token with the prefix 'fernet:'
-- is longer than the secret it carries. Rows written before this migration hold plaintext; SQL cannot
-- encrypt them (the key is not in the database), so the application encrypts each one on its first read.

ALTER TABLE wordpress_connections
    DROP CONSTRAINT IF EXISTS wordpress_connections_application_password_secret_check;
ALTER TABLE wordpress_connections
    ADD CONSTRAINT wordpress_connections_application_password_secret_check
    CHECK (length(application_password_secret) BETWEEN 1 AND 1000);

COMMENT ON COLUMN wordpress_connections.application_password_secret IS
    'A WordPress application password sealed with IGNY8_SECRET_KEY (''fernet:'' + token); a value without '
    'the prefix is a legacy plaintext row, encrypted in place on its first read. Never log it, never return it.';
