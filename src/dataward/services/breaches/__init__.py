"""The breach register: record, assess, count, report, notify (UK GDPR Art. 33, 34)."""
