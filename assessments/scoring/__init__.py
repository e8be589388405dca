"""The yearly assessment: approved figures rolled up the region tree, scored against the
rulebooks, warned and published by recorded runs. Imports models and reporting."""
