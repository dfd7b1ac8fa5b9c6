"""One folder per feature: rules, texts, records, GitHub calls, flow and entry."""
