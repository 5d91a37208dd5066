"""Settings, one module per environment; all configuration comes from environment variables."""
