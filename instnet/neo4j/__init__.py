"""Neo4j for instnet: a bundled server, and load, pull and write-back of ecosystems.

* :mod:`instnet.neo4j.server` -- fetch (Maven Central), start, stop a real Neo4j.
* :mod:`instnet.neo4j.connection` -- the one seam owning the driver.
* :mod:`instnet.neo4j.queries` -- named Cypher of ``cypher/``; labels and types
  only from the fixed lists.
* :mod:`instnet.neo4j.load` -- batched, idempotent, all-or-nothing load.
* :mod:`instnet.neo4j.pull` -- read an ecosystem back (``read_ecosystem``).
* :mod:`instnet.neo4j.writeback` -- analysis results as node properties.
"""
