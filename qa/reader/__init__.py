"""The extractive reader: windows, span decoding and answer margins (``extractive``)."""
