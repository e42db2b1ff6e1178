"""Outputs for people: the interactive map, the report, graph exports."""
