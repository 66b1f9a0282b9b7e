"""Internal helpers shared by the estimators and transformers."""
