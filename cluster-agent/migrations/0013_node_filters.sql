-- The console's node view lists one node's recent security events and audit entries. Security events
-- can arrive by the thousand in an attack, so a node's newest ones are found by index, not by a scan.
CREATE INDEX security_events_node_idx ON security_events (node, occurred_at);
CREATE INDEX audit_log_node_idx ON audit_log (node, seq);
