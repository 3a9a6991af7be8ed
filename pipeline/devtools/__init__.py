"""Tools for developing baocao, apart from the product: test material (`render`) and scoring against gold
(`evaluate`). Nothing in the ingest path imports them; only the `baocao render` and `baocao eval`
commands and the scripts do."""
