"""The outreach stores: queued messages to our own subjects, and marketing's records."""
