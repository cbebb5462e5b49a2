-- The customer portal (issue 15): the people who log in for an account, their sessions, one-time
-- tokens sent by email, the terms they accepted, the data-subject requests they file, service notices,
-- and the account's billing identity. Passwords are argon2id hashes; tokens are stored as SHA-256
-- hashes (a database dump holds nothing that logs in); a TOTP secret is sealed with a key derived from
-- the cluster's pepper.

-- Billing identity for invoices (rectified by the customer in the portal; printed by billing).
ALTER TABLE accounts
  ADD COLUMN billing_address text CHECK (billing_address IS NULL OR length(billing_address) BETWEEN 1 AND 1000),
  ADD COLUMN country text CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
  ADD COLUMN vat_id text CHECK (vat_id IS NULL OR vat_id ~ '^[A-Z]{2}[A-Za-z0-9+*.]{2,13}$');

-- Keys the customer creates may expire; admission refuses an expired key as it refuses a revoked one.
ALTER TABLE api_keys ADD COLUMN expires_at timestamptz CHECK (expires_at IS NULL OR expires_at > created_at);

-- A person who logs in for an account. One address is one person across the whole service.
CREATE TABLE portal_users (
  id                  text PRIMARY KEY CHECK (id ~ '^usr_[a-z0-9]{16,40}$'),
  account_id          text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  email               text NOT NULL CHECK (length(email) <= 320 AND email ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'),
  name                text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
  role                text NOT NULL CHECK (role IN ('owner', 'developer', 'billing')),
  password_hash       text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  email_verified_at   timestamptz,
  -- AES-256-GCM (nonce ‖ ciphertext ‖ tag) of the base32 secret; set while enrolling, enabled once a
  -- code was confirmed. The last accepted time step refuses a replayed code.
  totp_secret         bytea,
  totp_enabled_at     timestamptz,
  totp_last_step      bigint,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX portal_users_email_key ON portal_users (lower(email));
CREATE INDEX portal_users_account_idx ON portal_users (account_id);
CREATE TRIGGER portal_users_touch BEFORE UPDATE ON portal_users
  FOR EACH ROW EXECUTE FUNCTION entrim_touch_updated_at();

-- A logged-in browser. The cookie holds a random token; only its SHA-256 is stored.
CREATE TABLE portal_sessions (
  id           text PRIMARY KEY CHECK (id ~ '^ses_[a-z0-9]{16,40}$'),
  token_hash   bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
  user_id      text NOT NULL REFERENCES portal_users (id) ON DELETE CASCADE,
  account_id   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  -- Absolute end; idle expiry is last_seen_at + the configured idle time.
  expires_at   timestamptz NOT NULL,
  ip           text CHECK (ip IS NULL OR length(ip) <= 64),
  user_agent   text CHECK (user_agent IS NULL OR length(user_agent) <= 400),
  ended_at     timestamptz
);

CREATE INDEX portal_sessions_user_idx ON portal_sessions (user_id) WHERE ended_at IS NULL;
CREATE INDEX portal_sessions_expiry_idx ON portal_sessions (expires_at);

-- One-time links sent by email: address verification, password reset, team invitations.
CREATE TABLE portal_tokens (
  token_hash  bytea PRIMARY KEY CHECK (length(token_hash) = 32),
  -- A public handle (invites are listed and withdrawn by it); never the token itself.
  id          text NOT NULL UNIQUE CHECK (id ~ '^tok_[a-z0-9]{16,40}$'),
  purpose     text NOT NULL CHECK (purpose IN ('verify_email', 'reset_password', 'invite')),
  account_id  text NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  user_id     text REFERENCES portal_users (id) ON DELETE CASCADE,
  -- Invitations: the invited address and role, and who invited.
  email       text CHECK (email IS NULL OR length(email) <= 320),
  role        text CHECK (role IS NULL OR role IN ('owner', 'developer', 'billing')),
  created_by  text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  CHECK (purpose <> 'invite' OR (email IS NOT NULL AND role IS NOT NULL)),
  CHECK (purpose = 'invite' OR user_id IS NOT NULL)
);

CREATE INDEX portal_tokens_account_idx ON portal_tokens (account_id, purpose);

-- Which versions of the terms and the privacy policy a user accepted, and when; with the age
-- confirmation given at sign-up. Evidence: no foreign key, it outlives the user row.
CREATE TABLE terms_acceptances (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id    text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  user_id       text NOT NULL CHECK (length(user_id) BETWEEN 1 AND 64),
  document      text NOT NULL CHECK (document IN ('terms', 'privacy')),
  version       text NOT NULL CHECK (length(version) BETWEEN 1 AND 64),
  accepted_at   timestamptz NOT NULL DEFAULT now(),
  age_confirmed boolean NOT NULL
);

CREATE INDEX terms_acceptances_user_idx ON terms_acceptances (user_id, document, accepted_at);

-- Data-subject requests customers file in the portal (erasure/closure, restriction, objection);
-- operators handle them in the console within the legal deadline (30 days). No foreign key: the
-- request is the evidence of how the right was honoured, and outlives the erasure it asked for.
CREATE TABLE data_subject_requests (
  id           text PRIMARY KEY CHECK (id ~ '^dsr_[a-z0-9]{16,40}$'),
  account_id   text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  kind         text NOT NULL CHECK (kind IN ('erasure', 'restriction', 'objection')),
  requested_by text NOT NULL CHECK (length(requested_by) BETWEEN 1 AND 200),
  -- The customer's own words (why, what to restrict): account data, erased with the account.
  details      text NOT NULL DEFAULT '' CHECK (length(details) <= 2000),
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'completed', 'rejected')),
  requested_at timestamptz NOT NULL DEFAULT now(),
  due_at       timestamptz NOT NULL,
  handled_at   timestamptz,
  handled_by   text CHECK (handled_by IS NULL OR length(handled_by) BETWEEN 1 AND 200),
  resolution   text CHECK (resolution IS NULL OR length(resolution) <= 1000),
  CHECK (due_at > requested_at),
  CHECK ((status = 'open') = (handled_at IS NULL))
);

CREATE INDEX data_subject_requests_open_idx ON data_subject_requests (due_at) WHERE status = 'open';
CREATE INDEX data_subject_requests_account_idx ON data_subject_requests (account_id, requested_at);
-- One open request of a kind per account: filing twice does not restart the clock.
CREATE UNIQUE INDEX data_subject_requests_one_open ON data_subject_requests (account_id, kind)
  WHERE status = 'open';

-- Service notices as accounts read them in the portal: to every account (account_id NULL) or one.
CREATE TABLE notices (
  id           text PRIMARY KEY CHECK (id ~ '^ntc_[a-z0-9]{16,40}$'),
  account_id   text CHECK (account_id IS NULL OR length(account_id) BETWEEN 1 AND 64),
  kind         text NOT NULL CHECK (kind IN ('service', 'maintenance', 'terms', 'model', 'billing', 'abuse')),
  title        text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 200),
  body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
  published_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz,
  created_by   text NOT NULL CHECK (length(created_by) BETWEEN 1 AND 200)
);

CREATE INDEX notices_account_idx ON notices (account_id, published_at);

-- Customers act in the audit log too: role "customer", source "portal", the portal user's id as the
-- operator. Constraint changes only: the append-only trigger guards rows, not the table's definition.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_role_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_role_check
  CHECK (role IN ('viewer', 'operator', 'admin', 'customer'));
ALTER TABLE audit_log DROP CONSTRAINT audit_log_source_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_source_check CHECK (source IN ('grpc', 'cli', 'portal'));
