-- A model retired from the catalogue (issue 16): the deprecation notice promises that requests naming
-- it are refused from a date, so the date and the replacement live on the model, where every agent's
-- catalogue (re-read on entrim_models, whose trigger fires on this update) enforces them.
ALTER TABLE models
  ADD COLUMN retires_at  timestamptz,
  ADD COLUMN replacement text CHECK (replacement IS NULL OR length(replacement) BETWEEN 1 AND 200);
