"""``python -m tinygrad_opt`` runs the ``tinygrad-opt`` command line."""
from tinygrad_opt.cli import main

raise SystemExit(main())
