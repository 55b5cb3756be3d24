"""``python -m daeyeok``."""

import sys

from .cli import main

sys.exit(main())
