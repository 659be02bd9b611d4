"""Signing in: passwords, the mandatory second factor, revocable sessions."""
