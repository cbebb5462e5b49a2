-- One usage event per request (completed, cut, failed or rejected): the billing record. Metadata only:
-- there is no column that could hold a prompt or an output. Retention is by day (store/partitions.ts);
-- invoices keep what tax law needs after these rows are gone.

CREATE TABLE usage_events (
  request_id        text NOT NULL CHECK (request_id ~ '^req_[a-z0-9]{16,40}$'),
  received_at       timestamptz NOT NULL,
  first_token_at    timestamptz,
  finished_at       timestamptz NOT NULL,
  -- No foreign keys: erasure pseudonymises accounts, and events must ship even if the account is gone.
  account_id        text NOT NULL CHECK (length(account_id) BETWEEN 1 AND 64),
  key_id            text NOT NULL CHECK (length(key_id) BETWEEN 1 AND 64),
  model             text NOT NULL CHECK (length(model) BETWEEN 1 AND 128),
  model_version     text NOT NULL DEFAULT '' CHECK (length(model_version) <= 128),
  node              text NOT NULL CHECK (length(node) BETWEEN 1 AND 63),
  status            text NOT NULL CHECK (status IN ('completed', 'cut', 'failed', 'rejected')),
  http_status       smallint NOT NULL CHECK (http_status BETWEEN 100 AND 599),
  prompt_tokens     integer NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  cached_tokens     integer NOT NULL DEFAULT 0 CHECK (cached_tokens >= 0 AND cached_tokens <= prompt_tokens),
  completion_tokens integer NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  -- Exact cost in pico-euros (1e-12 EUR): tokens x price in micro-euros per million tokens, an integer.
  cost_pico_eur     bigint NOT NULL DEFAULT 0 CHECK (cost_pico_eur >= 0),
  -- The price version in force when the request started; null when the model has no price.
  price_version     bigint,
  user_agent        text CHECK (user_agent IS NULL OR length(user_agent) <= 512),
  client_ip         inet,
  -- At-least-once delivery from the spool, exactly-once effect: the shipper inserts ON CONFLICT DO NOTHING.
  PRIMARY KEY (received_at, request_id)
) PARTITION BY RANGE (received_at);

CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT;

-- One secondary index only: every index costs the shipper's ingest (about 5 us a row here). Usage of
-- a single key is found through its account, which every key belongs to.
CREATE INDEX usage_events_account_idx ON usage_events (account_id, received_at);
