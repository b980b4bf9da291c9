"""The `aic-sessions` command line: verify, rollback, stack-file checks."""
