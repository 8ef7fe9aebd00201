"""adloom: a creative strategy engine. Brand material in; governed, platform-ready ad creatives out."""

__version__ = "0.1.0"
__all__ = ["__version__"]
