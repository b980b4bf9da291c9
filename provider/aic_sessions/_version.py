"""The package's version: the one source (pyproject reads it; the policy pack reports it)."""

__version__ = "0.1.0"
