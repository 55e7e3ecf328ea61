"""The breach register's reads of the data: who and how many a breach concerns."""
