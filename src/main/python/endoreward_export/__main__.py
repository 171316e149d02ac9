"""``python -m endoreward_export``: see :mod:`endoreward_export.cli`."""

import sys

from endoreward_export.cli import main

sys.exit(main())
