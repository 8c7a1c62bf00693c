"""``python -m autograd_lite`` runs the same command line as ``autograd-lite``."""

from .app.cli import main

if __name__ == "__main__":  # importing this module (as a documentation tool does) runs nothing
    raise SystemExit(main())
