"""``python -m kgqa.flows.cli`` runs the kgqa command."""

from kgqa.flows.cli import main

main()
