"""What happened and how it scores: indicator data, submissions, rulebooks and results."""
