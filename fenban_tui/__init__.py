"""FenBan 分班: offline, keyboard-driven balanced class formation."""

__version__ = "0.2.0"
