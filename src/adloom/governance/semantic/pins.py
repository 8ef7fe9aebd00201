"""SHA-256 of the semantic layer's files, written by tools/semantic/train.py; checked at load."""

TOKENS_SHA256 = "4b05631390f5ae7a1ced4270c8c37e505b62ec78be32676a9a606a0866470553"
CLASSIFIER_SHA256 = "f4b98a4d982b8dc978dad61ea8ce57639db4088780db8cfb24c8fc61327f7772"
