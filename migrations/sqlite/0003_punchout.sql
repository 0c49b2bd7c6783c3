-- Punchout shopping sessions: opened by a cXML PunchOutSetupRequest or an
-- OCI entry call, entered once with a start token, closed by transferring
-- the cart. Tokens are kept as SHA-256 digests, never as given.
CREATE TABLE punchout_sessions (
    id INTEGER PRIMARY KEY,
    connector TEXT NOT NULL,
    protocol TEXT NOT NULL CHECK (protocol IN ('cxml', 'oci')),
    operation TEXT NOT NULL CHECK (operation IN ('create', 'edit', 'inspect')),
    company TEXT NOT NULL,
    market TEXT NOT NULL,
    user_email TEXT,
    user_name TEXT,
    cost_center TEXT,
    buyer_cookie TEXT NOT NULL,
    return_url TEXT NOT NULL,
    extrinsics TEXT NOT NULL DEFAULT '[]',
    requisition TEXT NOT NULL DEFAULT '{}',
    cart TEXT NOT NULL DEFAULT '[]',
    start_digest TEXT NOT NULL UNIQUE,
    session_digest TEXT UNIQUE,
    message_id BIGINT,
    created_at BIGINT NOT NULL,
    start_by BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    started_at BIGINT,
    transferred_at BIGINT
);
