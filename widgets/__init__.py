"""Pieces of the console used by several screens."""
