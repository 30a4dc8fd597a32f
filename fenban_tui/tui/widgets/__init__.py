from .checklist import CheckList
from .stepbar import StepBar

__all__ = ["CheckList", "StepBar"]
