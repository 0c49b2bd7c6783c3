-- Full-text search over the catalog with FTS5: an external-content index
-- over products (SKU, name, the attributes' JSON text, names included),
-- kept by triggers. The
-- PostgreSQL file of the same number builds the same search on tsvector;
-- unlike the other migrations, the two differ by design.
CREATE VIRTUAL TABLE product_text USING fts5(
    sku, name, attributes,
    content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO product_text (rowid, sku, name, attributes) SELECT id, sku, name, attributes FROM products;

CREATE TRIGGER products_text_insert AFTER INSERT ON products BEGIN
    INSERT INTO product_text (rowid, sku, name, attributes) VALUES (new.id, new.sku, new.name, new.attributes);
END;
CREATE TRIGGER products_text_delete AFTER DELETE ON products BEGIN
    INSERT INTO product_text (product_text, rowid, sku, name, attributes) VALUES ('delete', old.id, old.sku, old.name, old.attributes);
END;
CREATE TRIGGER products_text_update AFTER UPDATE OF sku, name, attributes ON products BEGIN
    INSERT INTO product_text (product_text, rowid, sku, name, attributes) VALUES ('delete', old.id, old.sku, old.name, old.attributes);
    INSERT INTO product_text (rowid, sku, name, attributes) VALUES (new.id, new.sku, new.name, new.attributes);
END;
CREATE INDEX products_unspsc ON products (unspsc);

-- Whether a product is in one of a buyer's assortments is asked per
-- product (offers, search): by product first.
CREATE INDEX assortment_products_product ON assortment_products (product_id, assortment_id);
