-- Payments (Stripe): provider events, what each payment granted, subscriptions and their quota periods.

-- Every verified webhook event, once (Stripe delivers at least once). Keyed by the event id alone, not led by
-- account_id like the other tables: the dedupe must happen before the payload is interpreted, and some events name no
-- account at all (types Obol does not use, sessions created outside Obol). account_id is filled in once known. The
-- table is append-mostly and off the debit hot path, so on a sharded database it stays a reference/local table.
CREATE TABLE stripe_events (
    event_id     text        PRIMARY KEY,
    type         text        NOT NULL,
    account_id   text,
    -- The raw body exactly as signed (text, not jsonb: jsonb would reorder keys and lose the signed bytes).
    payload      text        NOT NULL,
    outcome      text        NOT NULL,
    detail       text,
    created_at   timestamptz NOT NULL,
    received_at  timestamptz NOT NULL
);

CREATE INDEX stripe_events_account ON stripe_events (account_id, received_at) WHERE account_id IS NOT NULL;

-- One row per paid provider object (checkout session cs_... or invoice in_...): the primary key is what makes each
-- grant happen once, whatever order and however often its events arrive.
CREATE TABLE payments (
    account_id        text        NOT NULL REFERENCES accounts (account_id),
    provider_id       text        NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('TOKEN_PACK', 'TOP_UP', 'SUBSCRIPTION_INVOICE')),
    payment_intent_id text,
    grant_id          text,
    asset             text        NOT NULL,
    granted_amount    bigint      NOT NULL CHECK (granted_amount >= 0),
    paid_amount       bigint      NOT NULL CHECK (paid_amount >= 0),
    currency          text,
    -- Refunds and disputes: money given back so far, and what that took back from the grant or could not.
    reversed_amount   bigint      NOT NULL DEFAULT 0 CHECK (reversed_amount >= 0),
    clawed_back       bigint      NOT NULL DEFAULT 0 CHECK (clawed_back >= 0),
    shortfall         bigint      NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,
    PRIMARY KEY (account_id, provider_id),
    FOREIGN KEY (account_id, grant_id) REFERENCES grants (account_id, grant_id)
);

-- Refunds and disputes name the payment intent only (unless the charge carries our metadata).
CREATE INDEX payments_intent ON payments (payment_intent_id) WHERE payment_intent_id IS NOT NULL;

CREATE TABLE subscriptions (
    account_id      text        NOT NULL REFERENCES accounts (account_id),
    subscription_id text        NOT NULL,
    customer_id     text,
    plan            text        NOT NULL,
    monthly_tokens  bigint      NOT NULL CHECK (monthly_tokens > 0),
    rollover_cap    bigint      NOT NULL CHECK (rollover_cap >= 0),
    billing_interval text       NOT NULL CHECK (billing_interval IN ('MONTH', 'YEAR')),
    status          text        NOT NULL CHECK (status IN ('ACTIVE', 'PAST_DUE', 'ENDED')),
    paid_from       timestamptz,
    paid_until      timestamptz,
    -- When the scheduler issues the next monthly period of a paid year; null: nothing due.
    next_period_at  timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (account_id, subscription_id)
);

-- The scheduler's work list.
CREATE INDEX subscriptions_due ON subscriptions (next_period_at) WHERE next_period_at IS NOT NULL;

-- One row per monthly quota period: the primary key makes each period happen at most once, even with several
-- instances running the scheduler and Stripe delivering invoice.paid and invoice.payment_succeeded.
CREATE TABLE quota_periods (
    account_id        text        NOT NULL,
    subscription_id   text        NOT NULL,
    period_start      timestamptz NOT NULL,
    period_end        timestamptz NOT NULL CHECK (period_end > period_start),
    quota_grant_id    text        NOT NULL,
    rollover_grant_id text,
    source            text        NOT NULL,
    created_at        timestamptz NOT NULL,
    PRIMARY KEY (account_id, subscription_id, period_start),
    FOREIGN KEY (account_id, subscription_id) REFERENCES subscriptions (account_id, subscription_id),
    FOREIGN KEY (account_id, quota_grant_id) REFERENCES grants (account_id, grant_id)
);
