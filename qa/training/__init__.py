"""Training: the extractive reader (``reader``) and the cross-encoder reranker (``reranker``).
The relation model's training lives with it in ``kgqa.kg.relations``."""
