"""The audit log of staff writes."""
