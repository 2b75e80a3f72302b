-- GetUsageSummary aggregates one wallet's entries in a created_at window: this index finds exactly them (the primary
-- key (account_id, entry_id) would read every entry of the account).
CREATE INDEX ledger_entries_usage ON ledger_entries (account_id, asset, created_at);
