"""Attendance: check-in and check-out, daily status, leave, output logs."""
