"""``python -m autograd_lite`` runs the same command line as ``autograd-lite``."""

from .app.cli import main

raise SystemExit(main())
