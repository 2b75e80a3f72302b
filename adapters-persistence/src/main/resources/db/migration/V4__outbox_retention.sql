-- Delivered notifications are deleted after a retention period (NotificationRelay#purgeDelivered): the purge's
-- work list, oldest first.
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
