"""A local emulator of the AM / Advanced Identity Cloud admin API."""
