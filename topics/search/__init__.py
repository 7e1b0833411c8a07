"""Search across every kind of record: the index (``models``, kept in step by ``indexing``),
the language rules both databases share (``language``), reading a query (``query``), the two
full-text engines (``backends``) and running a search (``engine``)."""
