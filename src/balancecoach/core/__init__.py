"""Pure domain: models, scoring, goals and metrics. No UI, drawing or TOML-writing imports."""
