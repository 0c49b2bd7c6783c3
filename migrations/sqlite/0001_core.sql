-- The commerce core's schema, one file per back-end (migrations/sqlite/,
-- migrations/postgres/). They differ only in how an id column is declared
-- (SQLite's INTEGER PRIMARY KEY row id, PostgreSQL's identity); a test keeps them so.
--
-- Conventions (both back-ends): money and quantities are BIGINT millionths
-- (exact, summable and comparable in SQL); instants are BIGINT microseconds
-- since the Unix epoch (UTC); calendar days are TEXT 'YYYY-MM-DD', which
-- sort as dates; structured extras are TEXT holding JSON.

CREATE TABLE brands (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE markets (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    region TEXT NOT NULL,
    currency TEXT NOT NULL,
    languages TEXT NOT NULL,
    tax_rules TEXT,
    default_price_list TEXT
);

CREATE TABLE channels (
    id INTEGER PRIMARY KEY,
    brand_id BIGINT NOT NULL REFERENCES brands (id),
    market_id BIGINT NOT NULL REFERENCES markets (id),
    kind TEXT NOT NULL CHECK (kind IN ('edi', 'punchout', 'api', 'web')),
    UNIQUE (brand_id, market_id, kind)
);

CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('group', 'company', 'division', 'unit')),
    parent_id BIGINT REFERENCES companies (id),
    path TEXT NOT NULL,
    market_id BIGINT REFERENCES markets (id),
    net_days BIGINT,
    credit_limit BIGINT,
    card_allowed BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX companies_path ON companies (path);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT,
    company_id BIGINT NOT NULL REFERENCES companies (id)
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users (id),
    company_id BIGINT NOT NULL REFERENCES companies (id),
    role TEXT NOT NULL CHECK (role IN ('buyer', 'approver', 'admin')),
    PRIMARY KEY (user_id, company_id, role)
);

CREATE TABLE cost_centers (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    UNIQUE (company_id, code)
);

CREATE TABLE budgets (
    id INTEGER PRIMARY KEY,
    cost_center_id BIGINT NOT NULL REFERENCES cost_centers (id),
    period_start TEXT NOT NULL,
    period_end TEXT NOT NULL,
    currency TEXT NOT NULL,
    amount BIGINT NOT NULL,
    consumed BIGINT NOT NULL DEFAULT 0,
    UNIQUE (cost_center_id, period_start)
);

CREATE TABLE procurement_identities (
    company_id BIGINT NOT NULL REFERENCES companies (id),
    kind TEXT NOT NULL CHECK (kind IN ('edi', 'punchout')),
    identity TEXT NOT NULL,
    PRIMARY KEY (kind, identity)
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    brand_id BIGINT NOT NULL REFERENCES brands (id),
    kind TEXT NOT NULL CHECK (kind IN ('product', 'service', 'bundle')),
    name TEXT NOT NULL,
    gtin TEXT,
    unspsc TEXT,
    base_unit TEXT NOT NULL,
    attributes TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX products_gtin ON products (gtin);

CREATE TABLE product_units (
    product_id BIGINT NOT NULL REFERENCES products (id),
    unit TEXT NOT NULL,
    base_units BIGINT NOT NULL,
    PRIMARY KEY (product_id, unit)
);

CREATE TABLE bundle_parts (
    bundle_id BIGINT NOT NULL REFERENCES products (id),
    part_id BIGINT NOT NULL REFERENCES products (id),
    quantity BIGINT NOT NULL,
    PRIMARY KEY (bundle_id, part_id)
);

CREATE TABLE product_options (
    product_id BIGINT NOT NULL REFERENCES products (id),
    option_code TEXT NOT NULL,
    choice TEXT NOT NULL,
    price_effect BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (product_id, option_code, choice)
);

CREATE TABLE product_markets (
    product_id BIGINT NOT NULL REFERENCES products (id),
    market_id BIGINT NOT NULL REFERENCES markets (id),
    PRIMARY KEY (product_id, market_id)
);

CREATE TABLE assortments (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE assortment_products (
    assortment_id BIGINT NOT NULL REFERENCES assortments (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    PRIMARY KEY (assortment_id, product_id)
);

CREATE TABLE company_assortments (
    company_id BIGINT NOT NULL REFERENCES companies (id),
    assortment_id BIGINT NOT NULL REFERENCES assortments (id),
    PRIMARY KEY (company_id, assortment_id)
);

CREATE TABLE price_lists (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('base', 'customer', 'contract')),
    currency TEXT NOT NULL,
    market_id BIGINT REFERENCES markets (id),
    company_id BIGINT REFERENCES companies (id),
    valid_from TEXT,
    valid_to TEXT
);
CREATE INDEX price_lists_company ON price_lists (company_id);

CREATE TABLE prices (
    price_list_id BIGINT NOT NULL REFERENCES price_lists (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    min_quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    PRIMARY KEY (product_id, price_list_id, min_quantity)
);

CREATE TABLE promotions (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    market_id BIGINT REFERENCES markets (id),
    company_id BIGINT REFERENCES companies (id),
    product_id BIGINT REFERENCES products (id),
    min_quantity BIGINT NOT NULL DEFAULT 0,
    percent_off BIGINT,
    amount_off BIGINT,
    valid_from TEXT,
    valid_to TEXT
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_key TEXT NOT NULL,
    action TEXT NOT NULL,
    before_value TEXT,
    after_value TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key);

CREATE TABLE warehouses (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    brand_id BIGINT REFERENCES brands (id)
);

CREATE TABLE stock (
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    on_hand BIGINT NOT NULL DEFAULT 0,
    reserved BIGINT NOT NULL DEFAULT 0,
    as_of TEXT,
    PRIMARY KEY (product_id, warehouse_id)
);

CREATE TABLE inbound_stock (
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    expected_on TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    PRIMARY KEY (product_id, warehouse_id, expected_on)
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    buyer_id BIGINT REFERENCES users (id),
    brand_id BIGINT NOT NULL REFERENCES brands (id),
    market_id BIGINT NOT NULL REFERENCES markets (id),
    channel TEXT NOT NULL,
    state TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    po_number TEXT NOT NULL,
    currency TEXT NOT NULL,
    total BIGINT NOT NULL,
    cost_center TEXT,
    gl_account TEXT,
    project TEXT,
    requisitioner TEXT,
    ship_to TEXT,
    ship_to_key TEXT,
    requested_on TEXT,
    budget_charges TEXT NOT NULL DEFAULT '[]',
    placed_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX orders_history ON orders (company_id, placed_at, id);
CREATE INDEX orders_po ON orders (po_number);

CREATE TABLE order_lines (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    line_no BIGINT NOT NULL,
    line_ref TEXT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    sku TEXT NOT NULL,
    description TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    unit TEXT NOT NULL,
    base_quantity BIGINT NOT NULL,
    unit_price BIGINT NOT NULL,
    buyer_price BIGINT,
    amount BIGINT NOT NULL,
    price_rule TEXT NOT NULL,
    status TEXT NOT NULL,
    reserved BIGINT NOT NULL DEFAULT 0,
    confirmed_quantity BIGINT,
    confirmed_on TEXT,
    shipped BIGINT NOT NULL DEFAULT 0,
    invoiced BIGINT NOT NULL DEFAULT 0,
    cost_center TEXT,
    gl_account TEXT,
    project TEXT,
    options TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_lines_product ON order_lines (product_id, order_id);

CREATE TABLE reservations (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    line_no BIGINT NOT NULL,
    warehouse_id BIGINT NOT NULL REFERENCES warehouses (id),
    product_id BIGINT NOT NULL REFERENCES products (id),
    channel TEXT NOT NULL,
    quantity BIGINT NOT NULL,
    PRIMARY KEY (order_id, line_no, warehouse_id, product_id)
);

CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    state TEXT NOT NULL,
    actor TEXT NOT NULL,
    source TEXT,
    detail TEXT
);
CREATE INDEX order_events_order ON order_events (order_id, id);

CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    reference TEXT NOT NULL,
    shipped_on TEXT,
    carrier TEXT,
    tracking TEXT NOT NULL,
    UNIQUE (order_id, reference)
);

CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    reference TEXT NOT NULL,
    issued_on TEXT,
    amount BIGINT,
    UNIQUE (order_id, reference)
);

CREATE TABLE approval_rules (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    company_id BIGINT REFERENCES companies (id),
    kind TEXT NOT NULL CHECK (kind IN ('total_over', 'over_budget', 'restricted_category', 'new_ship_to')),
    approver_role TEXT NOT NULL,
    amount BIGINT,
    category TEXT,
    step BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE approvals (
    order_id BIGINT NOT NULL REFERENCES orders (id),
    step BIGINT NOT NULL,
    rule_code TEXT NOT NULL,
    reason TEXT NOT NULL,
    approver_role TEXT NOT NULL,
    state TEXT NOT NULL,
    decided_by TEXT,
    decided_at BIGINT,
    comment TEXT,
    PRIMARY KEY (order_id, step, rule_code)
);

CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    order_id BIGINT NOT NULL REFERENCES orders (id),
    at BIGINT NOT NULL,
    event TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('webhook', 'cxml', 'edi', 'email')),
    recipient TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending'
);
CREATE INDEX notifications_pending ON notifications (state, id);

CREATE TABLE quotes (
    id INTEGER PRIMARY KEY,
    number TEXT UNIQUE,
    company_id BIGINT NOT NULL REFERENCES companies (id),
    buyer_id BIGINT NOT NULL REFERENCES users (id),
    brand_id BIGINT NOT NULL REFERENCES brands (id),
    market_id BIGINT NOT NULL REFERENCES markets (id),
    currency TEXT NOT NULL,
    state TEXT NOT NULL,
    round BIGINT NOT NULL DEFAULT 0,
    valid_until TEXT,
    order_id BIGINT REFERENCES orders (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE quote_lines (
    quote_id BIGINT NOT NULL REFERENCES quotes (id),
    line_no BIGINT NOT NULL,
    product_id BIGINT NOT NULL REFERENCES products (id),
    quantity BIGINT NOT NULL,
    target_price BIGINT,
    proposed_price BIGINT,
    PRIMARY KEY (quote_id, line_no)
);

CREATE TABLE quote_rounds (
    quote_id BIGINT NOT NULL REFERENCES quotes (id),
    round BIGINT NOT NULL,
    actor TEXT NOT NULL,
    at BIGINT NOT NULL,
    action TEXT NOT NULL,
    note TEXT,
    prices TEXT NOT NULL,
    PRIMARY KEY (quote_id, round, action)
);

CREATE TABLE idempotency (
    key TEXT PRIMARY KEY,
    command TEXT NOT NULL,
    result TEXT,
    at BIGINT NOT NULL
);

CREATE TABLE counters (
    name TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
