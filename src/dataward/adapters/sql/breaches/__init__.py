"""The breach register's tables and queries."""
