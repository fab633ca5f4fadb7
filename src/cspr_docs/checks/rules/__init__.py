"""The check rules, one module per family; `cspr_docs.checks.registry` lists them."""
