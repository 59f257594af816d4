"""The local PDF library: downloads, opening in a viewer, and the extracted full text."""
