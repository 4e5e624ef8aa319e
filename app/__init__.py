"""Gracious: compose, store and log graceful decline messages."""
