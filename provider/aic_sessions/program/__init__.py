"""The stack program: typed stack configuration, its checks, and the resources it declares."""
