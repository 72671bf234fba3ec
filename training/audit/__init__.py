"""Audit trail: who did what to whom (publish, revoke, role change, export, deletion)."""
