"""The cookie choices visitors make (PECR reg 6), by a random id."""
