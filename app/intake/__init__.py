"""Webhook intake: verify, store in the inbox, process with workers; redelivery; commands."""
