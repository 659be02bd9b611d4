"""Compliance figures for a period (issue 15, item 2): each deadline kept on time, late or
missed, work overdue now, letters returned, contact lost and regained, training completion;
every figure with the cases behind it."""
