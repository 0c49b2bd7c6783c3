-- The gateway runtime's tables: the journal of every message in and out,
-- the outbound deliveries (the store-backed bus), and API tokens. Same
-- conventions as 0001_core.sql; raw message bytes sit in a
-- byte-string column.

CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
    connector TEXT NOT NULL,
    format TEXT NOT NULL,
    document TEXT,
    sender TEXT,
    receiver TEXT,
    control_number TEXT,
    po_number TEXT,
    status TEXT NOT NULL,
    errors TEXT NOT NULL DEFAULT '[]',
    duplicate_of BIGINT REFERENCES messages (id),
    answers BIGINT REFERENCES messages (id),
    trace TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    raw BLOB NOT NULL
);
-- One original per interchange: a second insert with the same sender and
-- control number fails, and is journalled as a duplicate of the first.
CREATE UNIQUE INDEX messages_interchange ON messages (direction, connector, format, sender, control_number)
    WHERE duplicate_of IS NULL AND control_number IS NOT NULL;
CREATE INDEX messages_connector ON messages (connector, id);
CREATE INDEX messages_po ON messages (po_number);
CREATE INDEX messages_status ON messages (status, id);

CREATE TABLE message_orders (
    message_id BIGINT NOT NULL REFERENCES messages (id),
    order_number TEXT NOT NULL,
    PRIMARY KEY (message_id, order_number)
);
CREATE INDEX message_orders_order ON message_orders (order_number);

CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    cause TEXT NOT NULL UNIQUE,
    connector TEXT NOT NULL,
    kind TEXT NOT NULL,
    order_number TEXT,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'queued', 'delivered', 'dead')),
    queued_at BIGINT,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_at BIGINT NOT NULL,
    last_error TEXT,
    message_id BIGINT REFERENCES messages (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (state, next_at);

CREATE TABLE api_tokens (
    digest TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    company TEXT,
    created_at BIGINT NOT NULL
);

CREATE TABLE control_numbers (
    connector TEXT NOT NULL,
    kind TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (connector, kind)
);
