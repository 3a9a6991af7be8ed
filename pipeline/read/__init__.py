"""Code that only reads a baocao database: named queries (`queries`), the review state and log
(`reviews`), exports (`export`), the HTML report (`report`, with its `templates/`) and the README's
SQL cookbook (`cookbook`)."""
