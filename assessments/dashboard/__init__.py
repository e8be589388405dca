"""The office dashboard: one page per region with its targets, trends, rankings, reporting
and warnings, cached per scope. Reads what reporting and scoring publish."""
