"""Documents made from the data: the statutory response (PDF, and its HTML body), the meeting pack's PDF
renderer, and the exports (CSV, Excel, iCalendar). They may read through the database layer, never the web."""
