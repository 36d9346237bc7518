"""Attendance: check-in and check-out, daily status, leave, output logs (models arrive with issue 5)."""
