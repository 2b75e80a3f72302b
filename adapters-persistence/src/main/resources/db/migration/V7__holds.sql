-- Holds (Reserve, then CaptureReservation or ReleaseReservation).
--
-- A grant's held part is what open holds reserve of its remaining amount: no debit, check or expiry takes it, only its
-- hold's capture (CAPTURE entries) or release (RELEASE entries). A ledger entry's held_change is what it did to its
-- grant's held part (HOLD +, CAPTURE and RELEASE -, 0 for every other kind), so the invariant extends to holds:
-- per grant, remaining = sum(amount) and held = sum(held_change); per wallet, balance_after runs as
-- sum(amount - held_change): the available balance.
--
-- Both columns are added with a constant default, which PostgreSQL stores without rewriting the table; the check is
-- added NOT VALID and validated separately so that validating (a scan) does not block writes.
ALTER TABLE grants ADD COLUMN held bigint NOT NULL DEFAULT 0;
ALTER TABLE grants ADD CONSTRAINT grants_held_within_remaining CHECK (held >= 0 AND held <= remaining) NOT VALID;
ALTER TABLE grants VALIDATE CONSTRAINT grants_held_within_remaining;
ALTER TABLE ledger_entries ADD COLUMN held_change bigint NOT NULL DEFAULT 0;

-- One row per hold. allocations: what it holds of each grant, in burn order, [{"grantId": …, "amount": …}, …]; a
-- capture takes from exactly these grants.
CREATE TABLE reservations (
    account_id     text        NOT NULL REFERENCES accounts (account_id),
    reservation_id text        NOT NULL,
    asset          text        NOT NULL CHECK (asset IN ('TOKEN', 'EUR')),
    feature        text,
    amount         bigint      NOT NULL CHECK (amount > 0),
    allocations    jsonb       NOT NULL,
    status         text        NOT NULL CHECK (status IN ('OPEN', 'CAPTURED', 'RELEASED', 'EXPIRED')),
    expires_at     timestamptz NOT NULL,
    metadata       jsonb       NOT NULL DEFAULT '{}',
    request_id     text,
    created_at     timestamptz NOT NULL,
    debit_id       text,
    captured       bigint      NOT NULL DEFAULT 0 CHECK (captured >= 0),
    closed_at      timestamptz,
    PRIMARY KEY (account_id, reservation_id),
    CHECK ((status = 'OPEN') = (closed_at IS NULL))
);

-- The hold sweeper's work list: open holds by expiry.
CREATE INDEX reservations_due ON reservations (expires_at) WHERE status = 'OPEN';
