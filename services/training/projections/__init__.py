"""The training service's read models: its copy of the register, the calls and applications with the
call dashboards, and the decision files."""
