"""The price book: `chargeback prices sync` and its Dagster asset build seeds/model_prices.csv from genai-prices."""
