"""Where papertui keeps its files, and how it writes them: one data directory, atomic
writes under a lock, damaged files moved aside, named files opened only if regular."""
