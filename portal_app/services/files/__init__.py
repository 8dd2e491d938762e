"""Files at rest: encryption, storage backends (local folder or S3), safe file names, generated files and download links."""
