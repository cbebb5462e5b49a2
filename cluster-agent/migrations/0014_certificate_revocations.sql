-- Revoked control-plane certificates (operators' and nodes'): a deny list every agent keeps in memory
-- and checks on every gRPC call and artifact download. A certificate is named by its serial number
-- (lower-case hex, no leading zeros) and/or its SHA-256 fingerprint (upper-case, colon-separated, as
-- `openssl x509 -fingerprint -sha256` prints it): revoking from the certificate file gives both, from
-- a listing one of them. Rows are never deleted: a revoked certificate stays revoked until it expires,
-- and the list is the record of who revoked what, when and why.
CREATE TABLE certificate_revocations (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  serial_number text UNIQUE CHECK (serial_number ~ '^[0-9a-f]{1,40}$'),
  fingerprint text UNIQUE CHECK (fingerprint ~ '^[0-9A-F]{2}(:[0-9A-F]{2}){31}$'),
  subject text NOT NULL DEFAULT '' CHECK (length(subject) <= 500),
  revoked_at timestamptz NOT NULL DEFAULT now(),
  revoked_by text NOT NULL CHECK (length(revoked_by) BETWEEN 1 AND 200),
  reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
  CHECK (serial_number IS NOT NULL OR fingerprint IS NOT NULL)
);

-- A hint only: agents re-read the table (NOTIFY is not authenticated, so a payload proves nothing).
CREATE FUNCTION entrim_notify_certificate_revocation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('entrim_certificate_revocations', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER certificate_revocations_notify AFTER INSERT OR UPDATE OR DELETE ON certificate_revocations
  FOR EACH STATEMENT EXECUTE FUNCTION entrim_notify_certificate_revocation();
