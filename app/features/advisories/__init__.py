"""Private vulnerability reports: intake, sweep, coordinator, experts, deadline reminders."""
