"""The pages: scan, verdict, original document (templates, stylesheet and script beside them)."""
