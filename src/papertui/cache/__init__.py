"""What papertui keeps in its cache directory: the loaded corpus and its index (`snapshot`)."""

from papertui.cache.snapshot import CACHE_DIR_VARIABLE, Inputs, cache_contents, cache_dir, cache_size, cache_summary, clear_cache, inputs_of, open_snapshot, save_snapshot

__all__ = ["CACHE_DIR_VARIABLE", "Inputs", "cache_contents", "cache_dir", "cache_size", "cache_summary", "clear_cache", "inputs_of", "open_snapshot", "save_snapshot"]
