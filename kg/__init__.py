"""kgqa's graph library (a leaf: it imports nothing else of kgqa): types, canonical names and
alias rules (``canonical``), extraction with spaCy and relation extractors (``extract``,
``relations``), the graph with evidence (``graph``), question entity linking (``link``),
analysis, export, and the model resolver (``models``)."""
