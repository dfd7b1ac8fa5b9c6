"""GitHub: the one client (tokens, ETags, retries) and the small helpers every feature shares."""
