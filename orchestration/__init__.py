"""ai-chargeback: the Dagster code location, the loaders at the input end and the contracts at the output end."""
