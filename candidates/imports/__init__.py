"""The life of a spreadsheet import job beyond its rows (candidates.spreadsheets reads, checks
and saves them): how a job fails cleanly whatever stops it, how often its task may be delivered,
and the recovery of a job whose task was lost."""
