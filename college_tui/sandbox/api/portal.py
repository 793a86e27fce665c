"""Placeholder: filled in by the portal endpoints."""
