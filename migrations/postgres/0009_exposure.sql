-- What made placement and the journal slow down as they filled: three
-- questions that read every row of a growing table (see the SQLite
-- migration of the same number).

CREATE TABLE company_exposure (
    company_id BIGINT PRIMARY KEY REFERENCES companies (id),
    open_total BIGINT NOT NULL DEFAULT 0
);

-- No order may change between the sum and the trigger's start (another
-- node of a rolling upgrade): this migration's transaction holds them.
LOCK TABLE orders IN SHARE ROW EXCLUSIVE MODE;

INSERT INTO company_exposure (company_id, open_total)
    SELECT company_id, SUM(total) FROM orders
    WHERE state NOT IN ('rejected', 'declined', 'cancelled', 'closed')
    GROUP BY company_id;

CREATE FUNCTION orders_exposure() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE')
       AND OLD.state NOT IN ('rejected', 'declined', 'cancelled', 'closed') THEN
        UPDATE company_exposure SET open_total = open_total - OLD.total
            WHERE company_id = OLD.company_id;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE')
       AND NEW.state NOT IN ('rejected', 'declined', 'cancelled', 'closed') THEN
        INSERT INTO company_exposure (company_id, open_total) VALUES (NEW.company_id, NEW.total)
            ON CONFLICT (company_id)
            DO UPDATE SET open_total = company_exposure.open_total + EXCLUDED.open_total;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER orders_exposure AFTER INSERT OR DELETE OR UPDATE OF state, total, company_id
    ON orders FOR EACH ROW EXECUTE FUNCTION orders_exposure();

-- Subtrees are ranges of paths compared byte by byte, whatever the
-- database's collation.
CREATE INDEX companies_path_bytes ON companies (path COLLATE "C");
CREATE INDEX messages_answers ON messages (answers) WHERE answers IS NOT NULL;
CREATE INDEX orders_ship_to ON orders (company_id, ship_to_key);
