"""Retention sweeps: which data a rule lets go on a day, what a hold keeps, and the evidence."""
