"""Our Voila template ("pcn") and the gallery that replaces Voila's file listing.

The template itself lives in ``pcn/`` beside this file (Jinja files, ``conf.json``); Voila finds it
through a Jupyter data directory that :mod:`pcn_workbook.serve` prepares. ``gallery`` reads the
notebooks' titles and descriptions for the landing page.
"""

from pathlib import Path

TEMPLATE_NAME = "pcn"
TEMPLATE_DIR = Path(__file__).parent / TEMPLATE_NAME
