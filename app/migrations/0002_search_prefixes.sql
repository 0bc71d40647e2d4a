-- Search as you type finds products by the start of their words. An
-- unanchored LIKE over every product's text took most of a search at chain
-- scale; equality on a prefix uses an index on both engines, under any
-- collation. Filled from products.search_text by the app
-- (`catalog::index_unindexed_products`), since splitting words is not
-- portable SQL.
CREATE TABLE product_prefixes (
    prefix TEXT NOT NULL,
    product_id TEXT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (prefix, product_id)
) {{CLUSTERED}};
