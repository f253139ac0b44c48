"""Groups: proposals from the optimiser that the coordinator runs, adjusts, compares and
publishes; the published groups with their members, and late registrations placed into them."""
