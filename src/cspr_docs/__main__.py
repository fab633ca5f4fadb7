"""Run the command line as `python -m cspr_docs`."""

from cspr_docs.cli import main

raise SystemExit(main())
