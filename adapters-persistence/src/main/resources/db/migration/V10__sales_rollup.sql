-- GetSalesSummary's top features without scanning a year of debits: tokens debited per UTC day and feature, rolled up
-- by a job from the debits table for days that are over (see PostgresSalesReader). Nothing on the debit path writes
-- here; the debit path pays only for the BRIN index below (a few pages, updated once per block range).
CREATE TABLE sales_daily_features (
    day          date   NOT NULL,
    asset        text   NOT NULL,
    feature      text   NOT NULL,
    debit_count  bigint NOT NULL CHECK (debit_count > 0),
    debited      bigint NOT NULL CHECK (debited > 0),
    PRIMARY KEY (day, asset, feature)
);

-- Every day rolled up, with or without debits: a day is read from the rollup only when it is here.
CREATE TABLE sales_rolled_days (
    day        date        PRIMARY KEY,
    rolled_at  timestamptz NOT NULL
);

-- The part of a window not rolled up yet (today, and what a partial first or last day leaves) is read from the debits
-- themselves; debits are appended in created_at order, so a BRIN index finds a time range in a few block ranges.
CREATE INDEX IF NOT EXISTS debits_created_brin ON debits USING brin (created_at);
