"""Flexible work arrangements: requests, approvals, schedule days."""
