"""Marketing use cases: campaigns, their audiences, sending, opting out, bases and imports."""
