"""Flexible work arrangements: requests, approvals, schedule days (models arrive with issue 4)."""
