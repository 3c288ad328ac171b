from .text import normalize
from .uscc import validate_uscc

__all__ = ["normalize", "validate_uscc"]
