"""The public status page: what anyone may see of members, votes and advisory counts."""
