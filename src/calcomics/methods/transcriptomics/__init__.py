"""Transcriptomic scores: GSVA / ssGSEA (bit-compatible with R GSVA 1.42-1.46)."""

from calcomics.methods.transcriptomics.gsva import (
    GsvaInputError,
    gsva,
)
from calcomics.reference import read_gmt

__all__ = ["GsvaInputError", "gsva", "read_gmt"]
