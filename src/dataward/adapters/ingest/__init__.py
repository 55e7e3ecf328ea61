"""Parsers of telephony source formats: one module per format, all yielding
domain.calls.telephony."""
