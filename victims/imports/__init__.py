"""CSV import of referrals from the web: upload, preview every row, import all or nothing."""
