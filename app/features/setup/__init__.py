"""Setup: the manifest flow that registers the app, and the installation check."""
