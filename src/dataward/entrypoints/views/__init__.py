"""What the entry points show, shared by the command line and the API: one shape for each
thing, so both print it alike. Presentation only: no use case, no I/O."""
