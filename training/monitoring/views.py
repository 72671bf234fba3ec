"""Monitoring pages."""
