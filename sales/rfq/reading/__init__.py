"""The RFQ reader's parts; `sales.rfq.extract` puts them together."""
