"""The sample events of the original design: the demo content its SPA shows."""
