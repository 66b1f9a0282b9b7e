"""``python -m sklearn_emotion.cli``: the same as the ``sklearn-emotion`` command."""

import sys

from . import main

sys.exit(main())
