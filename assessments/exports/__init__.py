"""Reports for leaders: the rankings workbook and the printable quarterly briefing."""
