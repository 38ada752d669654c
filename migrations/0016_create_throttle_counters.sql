-- MediSys 0016: counters of the sign-in and API throttles and of the brute-force detector, shared by
-- every instance when no Redis is configured (with Redis they live there and these tables stay empty).
-- Times are milliseconds since the epoch as the application's clock sees them, so that every instance
-- agrees on the window a hit falls in. UNLOGGED: the counters are short-lived and need no crash safety
-- or replication; losing them on a crash only restarts the current windows.
BEGIN;

CREATE UNLOGGED TABLE throttle_counters (
  -- What is counted, e.g. login-address:10.0.1.7 (accounts appear only as hashes).
  bucket       text NOT NULL CHECK (length(bucket) BETWEEN 1 AND 300),
  -- Start of the fixed window; 0 for marks that live until expires_at (known sign-in addresses).
  window_start bigint NOT NULL,
  hits         integer NOT NULL,
  expires_at   bigint NOT NULL,
  PRIMARY KEY (bucket, window_start)
);
CREATE INDEX idx_throttle_counters_expires_at ON throttle_counters (expires_at);

-- Distinct members seen in a window (accounts failing from one address, addresses failing for one account).
CREATE UNLOGGED TABLE throttle_members (
  bucket       text NOT NULL CHECK (length(bucket) BETWEEN 1 AND 300),
  window_start bigint NOT NULL,
  member       text NOT NULL CHECK (length(member) BETWEEN 1 AND 100),
  expires_at   bigint NOT NULL,
  PRIMARY KEY (bucket, window_start, member)
);
CREATE INDEX idx_throttle_members_expires_at ON throttle_members (expires_at);

INSERT INTO schema_version (version, description) VALUES (16, 'create throttle counters');

COMMIT;
