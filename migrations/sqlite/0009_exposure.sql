-- What made placement and the journal slow down as they filled: three
-- questions that read every row of a growing table.
--
-- 1. A credit limit compares the open orders of the company's subtree
--    with the limit. Summing the orders took a scan of all of them, inside
--    the write transaction; now each company's open total is kept, by
--    triggers, as orders are placed, change state or total, and the check
--    sums one row per company of the subtree.
-- 2. The acknowledgment already made for a message (a reprocess reuses
--    it) was found by scanning the journal.
-- 3. "First order to a new ship-to" scanned the company's orders.

CREATE TABLE company_exposure (
    company_id BIGINT PRIMARY KEY REFERENCES companies (id),
    open_total BIGINT NOT NULL DEFAULT 0
);

INSERT INTO company_exposure (company_id, open_total)
    SELECT company_id, SUM(total) FROM orders
    WHERE state NOT IN ('rejected', 'declined', 'cancelled', 'closed')
    GROUP BY company_id;

CREATE TRIGGER orders_exposure_insert AFTER INSERT ON orders
WHEN NEW.state NOT IN ('rejected', 'declined', 'cancelled', 'closed')
BEGIN
    INSERT INTO company_exposure (company_id, open_total) VALUES (NEW.company_id, NEW.total)
        ON CONFLICT (company_id) DO UPDATE SET open_total = open_total + excluded.open_total;
END;

CREATE TRIGGER orders_exposure_update AFTER UPDATE OF state, total, company_id ON orders
BEGIN
    UPDATE company_exposure SET open_total = open_total - OLD.total
        WHERE company_id = OLD.company_id
        AND OLD.state NOT IN ('rejected', 'declined', 'cancelled', 'closed');
    INSERT INTO company_exposure (company_id, open_total)
        SELECT NEW.company_id, NEW.total
        WHERE NEW.state NOT IN ('rejected', 'declined', 'cancelled', 'closed')
        ON CONFLICT (company_id) DO UPDATE SET open_total = open_total + excluded.open_total;
END;

CREATE TRIGGER orders_exposure_delete AFTER DELETE ON orders
WHEN OLD.state NOT IN ('rejected', 'declined', 'cancelled', 'closed')
BEGIN
    UPDATE company_exposure SET open_total = open_total - OLD.total
        WHERE company_id = OLD.company_id;
END;

CREATE INDEX messages_answers ON messages (answers) WHERE answers IS NOT NULL;
CREATE INDEX orders_ship_to ON orders (company_id, ship_to_key);
