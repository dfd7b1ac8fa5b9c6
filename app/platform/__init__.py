"""What every part of the process stands on: settings, logs, metrics, clock, errors, batching."""
