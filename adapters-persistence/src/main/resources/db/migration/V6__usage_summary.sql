-- GetUsageSummary aggregates one wallet's entries in a created_at window: this index finds exactly them (the primary
-- key (account_id, entry_id) and ledger_entries_operation would read every entry of the account and filter).
-- IF NOT EXISTS: on a large ledger an operator may build it first, without blocking writes, with
-- CREATE INDEX CONCURRENTLY ledger_entries_usage ON ledger_entries (account_id, asset, created_at);
CREATE INDEX IF NOT EXISTS ledger_entries_usage ON ledger_entries (account_id, asset, created_at);
