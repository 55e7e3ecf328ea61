"""The breach register in SQL: its tables and records, and its reads of the data (who and how
many a breach concerns)."""
