"""Signing in to the admin: lockout after failed attempts, its audit trail, the client IP."""
