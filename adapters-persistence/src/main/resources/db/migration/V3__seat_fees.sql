-- Per-seat plans, monthly seat charges and the notification outbox (issue 4). Like every table, each leads with
-- account_id so the database can be sharded by account (design.md, Scale-out). (V2 belongs to the Stripe work.)

-- An account's per-seat state besides its status (which stays on accounts, where CheckAndDebit reads it).
CREATE TABLE seat_plans (
    account_id              text        PRIMARY KEY REFERENCES accounts (account_id),
    seat_count              bigint      NOT NULL CHECK (seat_count >= 0),
    low_balance_alerted     boolean     NOT NULL DEFAULT false,
    -- The period ('2026-11') of the last balance.low notification: at most one per period.
    low_balance_notified_in text,
    -- Why an operator last suspended or reinstated the account.
    status_reason           text,
    updated_at              timestamptz NOT NULL
);

-- The monthly charge's work list.
CREATE INDEX seat_plans_with_seats ON seat_plans (account_id) WHERE seat_count > 0;

-- One row per account and charge period. The primary key is what makes the monthly charge happen at most once per
-- account and period, whatever runs it (a retry, a re-run after a crash, two instances at once): the row is written in
-- the same transaction as the FEE entries, under the account's lock.
CREATE TABLE seat_charges (
    account_id  text        NOT NULL REFERENCES accounts (account_id),
    period      text        NOT NULL CHECK (period ~ '^[0-9]{4}-[0-9]{2}$'),
    charge_id   text        NOT NULL,
    seat_count  bigint      NOT NULL CHECK (seat_count > 0),
    fee         bigint      NOT NULL CHECK (fee > 0),
    -- What happened when it was charged; a later collection only sets paid_at.
    outcome     text        NOT NULL CHECK (outcome IN ('PAID', 'OWED')),
    charged_at  timestamptz NOT NULL,
    paid_at     timestamptz,
    PRIMARY KEY (account_id, period)
);

CREATE INDEX seat_charges_owed ON seat_charges (account_id, period) WHERE paid_at IS NULL;

-- Notifications, written in the same transaction as the change they report and delivered from here (at least once,
-- with retries): a row exists exactly when its change committed, and survives restarts until delivered.
CREATE TABLE outbox (
    account_id      text        NOT NULL,
    event_id        text        NOT NULL,
    type            text        NOT NULL,
    -- The exact JSON that is signed and POSTed.
    body            text        NOT NULL,
    created_at      timestamptz NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    -- Null once delivered or given up.
    next_attempt_at timestamptz,
    -- Endpoints that already answered 2xx: a retry does not send to them again.
    delivered_to    text[]      NOT NULL DEFAULT '{}',
    delivered_at    timestamptz,
    last_error      text,
    PRIMARY KEY (account_id, event_id)
);

-- The relay's work list.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;
