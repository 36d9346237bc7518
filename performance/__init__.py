"""Performance: SKP targets, realisation, evaluation (models arrive with issue 6)."""
