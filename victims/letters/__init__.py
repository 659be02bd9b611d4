"""Letters to victims: templates, drafts, the quality check, PDFs and sending (SPEC §6, issue 4)."""
