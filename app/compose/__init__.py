"""Composition: pure functions from a validated request to messages. No HTTP, no database."""
