"""One module per wizard step, plus the help and confirm dialogs."""
