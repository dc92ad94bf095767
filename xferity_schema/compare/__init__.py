"""Comparing schemas: the normalised snapshot of a live schema, the diff of two, data samples."""
