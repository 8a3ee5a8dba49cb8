"""Documents made from the data: the statutory response (PDF, and its HTML body), the committee pack (PDF and Word)
renderer, and the exports (CSV, Excel, iCalendar). They may read through the database layer, never the web."""
