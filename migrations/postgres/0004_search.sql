-- Full-text search over the catalog on tsvector (the 'simple' configuration:
-- part numbers and names in several languages, no stemming). The SQLite file
-- of the same number builds the same search on FTS5; unlike the other
-- migrations, the two differ by design.
CREATE INDEX product_text ON products USING GIN (
    to_tsvector('simple', sku || ' ' || name || ' ' || attributes)
);
CREATE INDEX products_unspsc ON products (unspsc);

-- Whether a product is in one of a buyer's assortments is asked per
-- product (offers, search): by product first.
CREATE INDEX assortment_products_product ON assortment_products (product_id, assortment_id);
