-- Buyers' sign-ins to their order history outside punchout: opened with
-- the company's API token, kept as the SHA-256 digest of a fresh session
-- token (the API token itself never goes into a cookie).
CREATE TABLE account_sessions (
    digest TEXT PRIMARY KEY,
    company TEXT NOT NULL,
    token_label TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX account_sessions_expiry ON account_sessions (expires_at);
