"""The departments' workspace (我的职责): tasks, duties and targets, progress reports with
evidence, and the reminders of reports falling due."""
