"""Reading, validating and writing datasets, and the files instnet ships (cypher/, datasets/)."""
