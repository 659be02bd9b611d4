"""Fictional demo data for development and demonstrations, with printed sign-in details."""
