"""HTTP routes of the training service, under /api/training."""
