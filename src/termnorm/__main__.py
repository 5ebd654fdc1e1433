"""``python -m termnorm``: the command line."""

from termnorm.cli import main

main()
