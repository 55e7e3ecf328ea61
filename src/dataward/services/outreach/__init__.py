"""Messages to our own subjects that no rights request causes (marketing, notices)."""
