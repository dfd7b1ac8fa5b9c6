"""Small Warden servers that tests run as subprocesses."""
