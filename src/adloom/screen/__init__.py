"""Screens for untrusted text that both sides use: ingest (brand documents, transcripts, CSVs, forms) and
the writers (model output is untrusted too). ``injection`` finds text addressed to a model."""
