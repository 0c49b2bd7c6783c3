-- Where a punchout cart is to be delivered: the setup request's ShipTo as
-- the canonical party (JSON), shown in the cart and returned in the
-- PunchOutOrderMessage.
ALTER TABLE punchout_sessions ADD COLUMN ship_to TEXT;
