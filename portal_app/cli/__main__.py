"""`python -m portal_app.cli ...`"""
import sys

from portal_app.cli import main

sys.exit(main())
