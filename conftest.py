# Keep doctest collection away from modules that run on import.
collect_ignore = ["instnet/__main__.py"]
