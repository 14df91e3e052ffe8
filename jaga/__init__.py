"""jaga: a privacy policy made executable.

The package is layered so that data flows one way (see DESIGN.md):
policy -> regimes -> check/notices; datamap -> ledger -> decide -> requests -> actions -> audit.
"""

__version__ = "0.1.0"
