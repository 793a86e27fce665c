"""Placeholder: filled in by the git endpoints."""
