"""Views of the accounts app, one module per area."""
