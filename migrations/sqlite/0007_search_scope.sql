-- The catalog's full-text index also says where each product may be seen:
-- a `scope` column holds a token per market (`m<id>`) and per assortment
-- (`a<id>`) the product is in. A search then asks the index for words AND
-- market AND assortment at once, and FTS5 intersects the lists, instead
-- of probing the market and assortment tables for every word match (which
-- cost more than the search itself for a word with thousands of matches).
-- Counting what a buyer may see is one intersection too.
--
-- SQLite only: PostgreSQL keeps its tsvector search of 0004, with the
-- market and assortment as joins its planner handles well.
DROP TRIGGER products_text_insert;
DROP TRIGGER products_text_delete;
DROP TRIGGER products_text_update;
DROP TABLE product_text;

CREATE VIEW product_scope AS
SELECT p.id AS product_id,
       COALESCE((SELECT group_concat('m' || market_id, ' ') FROM product_markets WHERE product_id = p.id), '')
       || ' ' ||
       COALESCE((SELECT group_concat('a' || assortment_id, ' ') FROM assortment_products WHERE product_id = p.id), '')
       AS scope
FROM products p;

CREATE VIRTUAL TABLE catalog_text USING fts5(
    sku, name, attributes, scope,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO catalog_text (rowid, sku, name, attributes, scope)
SELECT p.id, p.sku, p.name, p.attributes, s.scope FROM products p JOIN product_scope s ON s.product_id = p.id;

CREATE TRIGGER catalog_text_product_insert AFTER INSERT ON products BEGIN
    INSERT INTO catalog_text (rowid, sku, name, attributes, scope)
    VALUES (new.id, new.sku, new.name, new.attributes, (SELECT scope FROM product_scope WHERE product_id = new.id));
END;
CREATE TRIGGER catalog_text_product_update AFTER UPDATE OF sku, name, attributes ON products BEGIN
    UPDATE catalog_text SET sku = new.sku, name = new.name, attributes = new.attributes WHERE rowid = new.id;
END;
CREATE TRIGGER catalog_text_product_delete AFTER DELETE ON products BEGIN
    DELETE FROM catalog_text WHERE rowid = old.id;
END;

CREATE TRIGGER catalog_text_market_insert AFTER INSERT ON product_markets BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;
CREATE TRIGGER catalog_text_market_delete AFTER DELETE ON product_markets BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = old.product_id)
    WHERE rowid = old.product_id;
END;
CREATE TRIGGER catalog_text_market_update AFTER UPDATE ON product_markets BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = old.product_id)
    WHERE rowid = old.product_id;
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;

CREATE TRIGGER catalog_text_assortment_insert AFTER INSERT ON assortment_products BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;
CREATE TRIGGER catalog_text_assortment_delete AFTER DELETE ON assortment_products BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = old.product_id)
    WHERE rowid = old.product_id;
END;
CREATE TRIGGER catalog_text_assortment_update AFTER UPDATE ON assortment_products BEGIN
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = old.product_id)
    WHERE rowid = old.product_id;
    UPDATE catalog_text SET scope = (SELECT scope FROM product_scope WHERE product_id = new.product_id)
    WHERE rowid = new.product_id;
END;
