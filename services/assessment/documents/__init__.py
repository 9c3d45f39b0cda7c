"""le Cap's documents, drawn without a web framework: the radar chart (SVG) and the plan (PDF)."""
