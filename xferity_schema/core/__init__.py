"""What every family shares and nothing of ours is imported by: errors and exit codes, the
connection and its settings, the contract's paths and facts, named queries, the CLI's edge."""
