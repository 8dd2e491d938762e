"""The full export of one matter: a streamed ZIP of its documents, index, intake, billing, audit
events with their proof, and a manifest of SHA-256 sums."""
