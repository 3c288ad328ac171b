"""Member ledgers (会员登记表): the spreadsheet's columns and template, and the batch importer.
Exports and export requests are services (members.services.ledgers)."""
