"""Loading and validation: the only reader of data/; every problem collected, then raised as DataErrors."""
