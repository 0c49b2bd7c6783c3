-- Browsing the catalog without search words lists products by name: the
-- index lets the first pages come in name order without sorting every
-- product the buyer may see.
CREATE INDEX products_name ON products (name, sku);
