-- Top-up and pack bonuses: the PROMO grant a bonus rule added to a payment, and what refunds and disputes took back of
-- it (the same running totals as the payment's own grant, measured against the same money paid). One per payment:
-- the primary key is what makes a bonus happen once with its purchase.
CREATE TABLE payment_bonuses (
    account_id     text    NOT NULL,
    provider_id    text    NOT NULL,
    grant_id       text    NOT NULL,
    rule           text    NOT NULL,
    amount         bigint  NOT NULL CHECK (amount > 0),
    reversed_amount bigint NOT NULL DEFAULT 0 CHECK (reversed_amount >= 0),
    clawed_back    bigint  NOT NULL DEFAULT 0 CHECK (clawed_back >= 0),
    shortfall      bigint  NOT NULL DEFAULT 0 CHECK (shortfall >= 0),
    PRIMARY KEY (account_id, provider_id),
    FOREIGN KEY (account_id, provider_id) REFERENCES payments (account_id, provider_id),
    FOREIGN KEY (account_id, grant_id) REFERENCES grants (account_id, grant_id)
);
