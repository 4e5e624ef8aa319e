"""Persistence: the only package that reads or writes the database."""
