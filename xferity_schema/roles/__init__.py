"""The least-privilege role model: its names, the DBA's grant script, the audit of a live
database."""
