-- Customer notices and dunning (issue 16): notices say whether they are essential (sent whatever the
-- account's settings) and when they take effect; each email sent for a notice is tracked by id only
-- (mail_log holds the delivery state); accounts may opt out of non-essential mail; each issued invoice
-- carries its dunning state so every step happens once; legal documents are versioned here.

ALTER TABLE notices
  ADD COLUMN essential    boolean NOT NULL DEFAULT false,
  ADD COLUMN effective_at timestamptz,
  ADD COLUMN model        text CHECK (model IS NULL OR length(model) BETWEEN 1 AND 200);

-- Ids only: which queued mail carried which notice to which account. No addresses, no content.
CREATE TABLE notice_deliveries (
  notice_id  text NOT NULL REFERENCES notices (id) ON DELETE CASCADE,
  account_id text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  mail_id    text NOT NULL,
  channel    text NOT NULL DEFAULT 'email' CHECK (channel IN ('email')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (notice_id, mail_id)
);

CREATE INDEX notice_deliveries_account_idx ON notice_deliveries (account_id, created_at);

CREATE TABLE notification_preferences (
  account_id    text PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
  -- false: the account receives no non-essential mail (maintenance, model deprecations).
  non_essential boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    text CHECK (updated_by IS NULL OR length(updated_by) BETWEEN 1 AND 200)
);

-- How far dunning went for one invoice; each step is recorded once, so a pass is idempotent and two
-- agents never send the same reminder twice.
CREATE TABLE dunning_states (
  invoice_id      text PRIMARY KEY REFERENCES invoices (id) ON DELETE CASCADE,
  account_id      text NOT NULL,
  reminded_at     timestamptz,
  warned_at       timestamptz,
  warning_id      text,
  suspended_at    timestamptz,
  suspension_id   text,
  lifted_at       timestamptz,
  -- No suspension for non-payment without a recorded warning (the terms say warnings come first).
  CHECK (suspended_at IS NULL OR warned_at IS NOT NULL)
);

CREATE INDEX dunning_states_open_idx ON dunning_states (account_id) WHERE suspended_at IS NOT NULL AND lifted_at IS NULL;

-- Versions of the terms and the privacy policy, as operators publish them.
CREATE TABLE legal_documents (
  document     text NOT NULL CHECK (document IN ('terms', 'privacy')),
  version      text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
  effective_at timestamptz NOT NULL,
  url          text CHECK (url IS NULL OR length(url) <= 2000),
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by text NOT NULL CHECK (length(published_by) BETWEEN 1 AND 200),
  PRIMARY KEY (document, version)
);

-- The leader's jobs (dunning) act in the audit log as the agent itself.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_source_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_source_check CHECK (source IN ('grpc', 'cli', 'portal', 'agent'));
