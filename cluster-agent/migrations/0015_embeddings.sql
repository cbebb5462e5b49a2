-- Embeddings (POST /v1/embeddings): a price of their own, and the endpoint each usage event came from.

-- Micro-euros per million embedding input tokens. NULL in versions made before this column existed (or
-- without an embedding price): embedding tokens are then billed at the version's input price, so no
-- old version makes embeddings free by accident.
ALTER TABLE price_versions
  ADD COLUMN embedding_micro_eur_per_m bigint CHECK (embedding_micro_eur_per_m >= 0);

CREATE OR REPLACE FUNCTION entrim_notify_prices() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_prices', json_build_object(
    'version', NEW.id::text,
    'model', NEW.model,
    'input', NEW.input_micro_eur_per_m::text,
    'cached', NEW.cached_micro_eur_per_m::text,
    'output', NEW.output_micro_eur_per_m::text,
    'embedding', NEW.embedding_micro_eur_per_m::text,
    'effectiveFrom', (extract(epoch FROM NEW.effective_from) * 1000)::bigint::text
  )::text);
  RETURN NULL;
END
$$;

-- Which API endpoint a request called; '' for events recorded before the field existed. A closed list,
-- like status: the column is metadata, never anything a customer typed.
ALTER TABLE usage_events
  ADD COLUMN endpoint text NOT NULL DEFAULT ''
  CHECK (endpoint IN ('', 'chat.completions', 'completions', 'embeddings', 'responses'));
