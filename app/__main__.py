"""``python -m app``: the same program as the ``warden`` console script."""

from app.cli import main

raise SystemExit(main())
