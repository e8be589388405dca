"""Reference, demo and synthetic data. Imported by management commands and tests only, never
at run time (an import contract of make check says so)."""
