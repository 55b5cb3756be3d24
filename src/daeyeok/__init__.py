"""daeyeok (대역): a static site generator for Korean/English bilingual course notes."""

__version__ = "0.1.0"
