"""The FenBan wizard (Textual).  Talks to the core only through ``fenban_tui.core.api``."""
