-- API keys (the security issue). Keyed by key id alone, not led by account_id like the other tables: a key may act on
-- every account (account_id null) and is looked up by its id before any account is known. Off the debit hot path
-- (verified keys are cached), so on a sharded database it stays a reference/local table.
CREATE TABLE api_keys (
    key_id        text        PRIMARY KEY,
    name          text        NOT NULL,
    scopes        text[]      NOT NULL CHECK (cardinality(scopes) > 0),
    -- Set: the key may act on this account only.
    account_id    text,
    -- SHA-256 of the secret; the secret itself is never stored.
    secret_sha256 bytea       NOT NULL CHECK (length(secret_sha256) = 32),
    expires_at    timestamptz,
    created_at    timestamptz NOT NULL,
    -- The key that made it (null: Obol itself, e.g. the embedded default's first admin key) and its request id:
    -- a retry of CreateApiKey finds the key it made the first time (AIP-155).
    created_by    text,
    request_id    text        NOT NULL,
    fingerprint   text        NOT NULL,
    last_used_at  timestamptz,
    revoked_at    timestamptz,
    revoked_by    text
);

CREATE UNIQUE INDEX api_keys_request ON api_keys (coalesce(created_by, ''), request_id);

-- Who did it: the key whose call wrote an entry or a request's first answer (null: Obol's own writes, e.g. the
-- Stripe webhook, the expiry sweeper and the monthly charge job).
ALTER TABLE ledger_entries ADD COLUMN key_id text;
ALTER TABLE request_log ADD COLUMN key_id text;
