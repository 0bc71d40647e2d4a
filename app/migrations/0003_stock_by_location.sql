-- A shop's stock of many SKUs at once (the "available here" of search
-- results, a shop's figures) reads this index alone: its entries hold the
-- figures, and one product's SKUs sit side by side in it. Through the
-- primary key, which is SKU first, each SKU was a separate page (a search
-- read several hundred). Costs one more index entry to rewrite per stock
-- change. The seed drops it for its bulk load and builds it after
-- (`db::build_stock_indexes`, from this file).
CREATE INDEX IF NOT EXISTS stock_by_location ON stock_levels (location_id, sku, on_hand, reserved, safety);
