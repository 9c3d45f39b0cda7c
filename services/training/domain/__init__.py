"""The Fonds Mutualisés Solidaires domain: the Call (and its envelope) and the funding application."""
