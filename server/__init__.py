"""The HTTP API that exposes a Store to remote consoles."""
