-- Outbound email (issue 15): one queue every agent sends from, and a metadata-only record of every
-- message. The portal, billing, notices and alerting all send through it (mail/mailer.ts).

-- A message waiting for delivery. It holds content (address, subject, body) only until it is sent or
-- given up: that same transaction deletes the row and writes its mail_log row, so bodies never
-- outlive their delivery.
CREATE TABLE mail_queue (
  id              text PRIMARY KEY CHECK (id ~ '^mail_[a-z0-9]{16}$'),
  -- What the message is ("test", "invoice", "alert", ...): a closed vocabulary of the code, not content.
  kind            text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  -- No foreign key: erasure pseudonymises accounts, and a notice may outlive the account it was about.
  account_id      text CHECK (account_id IS NULL OR length(account_id) BETWEEN 1 AND 64),
  recipient       text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
  subject         text NOT NULL CHECK (length(subject) <= 998),
  body_text       text NOT NULL,
  body_html       text,
  queued_at       timestamptz NOT NULL DEFAULT now(),
  attempts        integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- Due time; a claim moves it forward by the lease, so a sender that dies mid-send loses its claim.
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  -- The last failure as an SMTP reply code and a short class (e.g. 451 "temporary", 0 "connection"):
  -- never the server's text, which may echo the address or the message.
  last_error_code smallint CHECK (last_error_code BETWEEN 0 AND 999),
  last_error_class text CHECK (last_error_class IN ('temporary', 'permanent', 'connection', 'timeout', 'other'))
);

CREATE INDEX mail_queue_due_idx ON mail_queue (next_attempt_at);

-- One row per message that left the queue. Metadata only: there is no column for an address, a subject
-- or a body. The account is the recipient account, as usage events name it.
CREATE TABLE mail_log (
  id               text PRIMARY KEY CHECK (id ~ '^mail_[a-z0-9]{16}$'),
  kind             text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_.-]{0,63}$'),
  account_id       text CHECK (account_id IS NULL OR length(account_id) BETWEEN 1 AND 64),
  queued_at        timestamptz NOT NULL,
  finished_at      timestamptz NOT NULL DEFAULT now(),
  attempts         integer NOT NULL CHECK (attempts >= 1),
  result           text NOT NULL CHECK (result IN ('sent', 'failed')),
  last_error_code  smallint CHECK (last_error_code BETWEEN 0 AND 999),
  last_error_class text CHECK (last_error_class IN ('temporary', 'permanent', 'connection', 'timeout', 'other'))
);

CREATE INDEX mail_log_finished_idx ON mail_log (finished_at);
CREATE INDEX mail_log_account_idx ON mail_log (account_id, finished_at) WHERE account_id IS NOT NULL;

-- Wakes the senders of every agent. Statement-level and payload-free: the hint carries no content, and
-- a caller's transaction that enqueues many messages sends one notification, at commit.
CREATE OR REPLACE FUNCTION entrim_notify_mail() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_mail', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER mail_queue_notify AFTER INSERT ON mail_queue
  FOR EACH STATEMENT EXECUTE FUNCTION entrim_notify_mail();
