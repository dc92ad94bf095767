"""Local PostgreSQL servers: the embedded development server, throwaway clusters and
scratch servers."""
