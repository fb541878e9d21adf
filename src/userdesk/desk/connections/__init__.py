"""The connections users can be created in."""
