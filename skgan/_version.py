"""The version of skgan: one home, imported by the package and by what records it."""

__version__ = "0.1.0.dev0"
