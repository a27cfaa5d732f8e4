"""Instructors' private question banks: upload, preview, share, delete."""
