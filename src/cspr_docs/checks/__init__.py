"""`cspr-docs check`: statutory-content and anonymisation checks on report drafts (engine in `engine.py`)."""
