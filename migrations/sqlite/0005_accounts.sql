-- Buyers' sign-ins to their order history outside punchout: opened with
-- the company's API token, kept as the SHA-256 digest of a fresh session
-- token (the API token itself never goes into a cookie). A sign-in keeps
-- the digest of the token that opened it and sees what that token sees
-- now: a token moved to another company or removed takes its sign-ins
-- with it.
CREATE TABLE account_sessions (
    digest TEXT PRIMARY KEY,
    token_digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX account_sessions_expiry ON account_sessions (expires_at);
