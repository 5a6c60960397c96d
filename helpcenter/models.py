"""Help centre models arrive with the help centre step."""
