"""HTTP: thin routers over composition and the repository."""
