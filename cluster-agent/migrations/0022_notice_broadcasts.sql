-- Operators see a notice sent to many accounts as one message with its delivery state (issue 16): the
-- per-account rows of one broadcast share an id, and a row records why no email went out (the
-- account opted out of non-essential mail), so "delivered", "waiting" and "not sent" can be counted
-- from ids alone.
ALTER TABLE notices
  ADD COLUMN broadcast_id text CHECK (broadcast_id IS NULL OR broadcast_id ~ '^ntb_[a-z0-9]{16}$'),
  ADD COLUMN mail_skipped text CHECK (mail_skipped IS NULL OR mail_skipped IN ('opted_out'));

CREATE INDEX notices_broadcast_idx ON notices (broadcast_id) WHERE broadcast_id IS NOT NULL;
