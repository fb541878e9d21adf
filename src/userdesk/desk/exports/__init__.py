"""Exports of every user matching a search, past the Management API's 1000-result cap."""
