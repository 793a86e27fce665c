"""Placeholder: filled in by the graph endpoints."""
