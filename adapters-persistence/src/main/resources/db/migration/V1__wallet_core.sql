-- The wallet core. Every table leads with account_id so the database can be sharded by account (design.md,
-- Scale-out); every request touches one account.

CREATE TABLE accounts (
    account_id  text        PRIMARY KEY,
    status      text        NOT NULL DEFAULT 'ACTIVE'
                            CHECK (status IN ('ACTIVE', 'INSUFFICIENT_FUNDS', 'SUSPENDED')),
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE grants (
    account_id  text        NOT NULL REFERENCES accounts (account_id),
    grant_id    text        NOT NULL,
    asset       text        NOT NULL CHECK (asset IN ('TOKEN', 'EUR')),
    source      text        NOT NULL,
    amount      bigint      NOT NULL CHECK (amount > 0),
    remaining   bigint      NOT NULL CHECK (remaining >= 0 AND remaining <= amount),
    priority    integer     NOT NULL CHECK (priority >= 0),
    expires_at  timestamptz,
    reference   text,
    reason      text,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, grant_id)
);

-- A wallet's open grants: what a debit loads.
CREATE INDEX grants_open ON grants (account_id, asset) WHERE remaining > 0;
-- The expiry sweeper's work list.
CREATE INDEX grants_due ON grants (expires_at) WHERE remaining > 0 AND expires_at IS NOT NULL;

CREATE TABLE ledger_entries (
    account_id    text        NOT NULL,
    entry_id      bigint      GENERATED ALWAYS AS IDENTITY,
    asset         text        NOT NULL,
    grant_id      text        NOT NULL,
    kind          text        NOT NULL,
    amount        bigint      NOT NULL,
    balance_after bigint      NOT NULL,
    feature       text,
    reason        text,
    request_id    text,
    -- The debit, reversal or grant the entry belongs to: a reversal finds what a debit took here.
    operation_id  text,
    created_at    timestamptz NOT NULL,
    PRIMARY KEY (account_id, entry_id),
    FOREIGN KEY (account_id, grant_id) REFERENCES grants (account_id, grant_id)
);

CREATE INDEX ledger_entries_operation ON ledger_entries (account_id, operation_id);

-- Append-only: corrections are new entries, never updates.
CREATE FUNCTION ledger_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ledger_entries is append-only (% refused)', TG_OP;
END;
$$;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_entries_append_only();

CREATE TABLE debits (
    account_id  text        NOT NULL REFERENCES accounts (account_id),
    debit_id    text        NOT NULL,
    asset       text        NOT NULL,
    feature     text,
    amount      bigint      NOT NULL CHECK (amount > 0),
    metadata    jsonb       NOT NULL DEFAULT '{}',
    request_id  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, debit_id)
);

-- Idempotency (AIP-155): the first answer to each request id, per account.
CREATE TABLE request_log (
    account_id  text        NOT NULL,
    request_id  text        NOT NULL,
    operation   text        NOT NULL,
    fingerprint text        NOT NULL,
    result      jsonb       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (account_id, request_id)
);
