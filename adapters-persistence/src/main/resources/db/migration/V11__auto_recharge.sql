-- Auto-recharge. Each account's provider customer and the payment method a checkout saved for off-session charges;
-- the account's auto-recharge settings and state (read with the account's lock, changed only under it); and the
-- recharge attempts, whose REQUESTED rows are the outbox the dispatcher hands to Stripe after the write that crossed
-- the threshold committed. (account_id, sequence) is Stripe's idempotency key: a hand-over repeated after a crash or
-- by a second instance charges once.
CREATE TABLE payment_customers (
    account_id        text        PRIMARY KEY,
    customer_id       text        NOT NULL UNIQUE,
    payment_method_id text,
    payment_method_saved_at timestamptz,
    created_at        timestamptz NOT NULL
);

CREATE TABLE auto_recharges (
    account_id       text        PRIMARY KEY REFERENCES accounts (account_id),
    asset            text        NOT NULL CHECK (asset IN ('TOKEN', 'EUR')),
    threshold        bigint      NOT NULL CHECK (threshold > 0),
    pack             text,
    grant_amount     bigint      NOT NULL CHECK (grant_amount > 0),
    price_amount     bigint      NOT NULL CHECK (price_amount > 0),
    currency         text        NOT NULL,
    monthly_limit    integer     NOT NULL CHECK (monthly_limit BETWEEN 1 AND 100),
    enabled          boolean     NOT NULL,
    last_sequence    bigint      NOT NULL CHECK (last_sequence >= 0),
    pending_sequence bigint      NOT NULL CHECK (pending_sequence >= 0 AND pending_sequence <= last_sequence),
    failures_in_row  integer     NOT NULL CHECK (failures_in_row >= 0),
    retry_after      timestamptz,
    month            text        NOT NULL,
    month_count      integer     NOT NULL CHECK (month_count >= 0),
    disabled_reason  text,
    updated_at       timestamptz NOT NULL,
    CHECK ((asset = 'TOKEN') = (pack IS NOT NULL))
);

CREATE TABLE auto_recharge_attempts (
    account_id        text        NOT NULL REFERENCES accounts (account_id),
    sequence          bigint      NOT NULL CHECK (sequence > 0),
    asset             text        NOT NULL,
    pack              text,
    grant_amount      bigint      NOT NULL CHECK (grant_amount > 0),
    price_amount      bigint      NOT NULL CHECK (price_amount > 0),
    currency          text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('REQUESTED', 'PENDING', 'SUCCEEDED', 'FAILED')),
    payment_intent_id text,
    error             text,
    tries             integer     NOT NULL DEFAULT 0,
    next_try_at       timestamptz NOT NULL,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (account_id, sequence)
);

-- The dispatcher's claim reads only what is still to be handed over.
CREATE INDEX auto_recharge_attempts_due ON auto_recharge_attempts (next_try_at) WHERE status = 'REQUESTED';
