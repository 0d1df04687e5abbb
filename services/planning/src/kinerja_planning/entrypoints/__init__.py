"""Planning entrypoints: HTTP routes and the process main."""
