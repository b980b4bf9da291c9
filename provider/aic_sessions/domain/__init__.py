"""Domain rules with no I/O: attribute tables, environments, identity, signing secrets."""
