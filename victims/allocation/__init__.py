"""Allocation an SPO can trust (issue 14, item 4): the queue, ranked suggestions, bulk
allocation with a capacity preview, and rebalancing a caseload."""
