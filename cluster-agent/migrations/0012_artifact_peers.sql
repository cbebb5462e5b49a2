-- Where each node shares its verified model artifacts with peers (HTTPS with mutual TLS), so a
-- cluster downloads a model from outside once. Empty: the node does not share.
ALTER TABLE nodes ADD COLUMN artifact_url text NOT NULL DEFAULT '' CHECK (length(artifact_url) <= 300);
