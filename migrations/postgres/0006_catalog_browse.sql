-- Browsing the catalog without search words lists products by name: the
-- index lets the first pages come in name order without sorting every
-- product the buyer may see, and holds what the brand and category
-- facets need, so the walk reads no product rows.
CREATE INDEX products_name ON products (name, sku, brand_id, unspsc);
