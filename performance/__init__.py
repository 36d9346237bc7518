"""Performance: SKP targets, realisation, evaluation."""
