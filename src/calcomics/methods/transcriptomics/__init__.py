"""Transcriptomic scores: GSVA / ssGSEA (bit-compatible with R GSVA 1.42-1.46)."""

from calcomics.methods.transcriptomics.gsva import (
    GsvaInputError,
    gsva,
    read_expression_matrix,
)
from calcomics.reference import read_gmt

__all__ = ["GsvaInputError", "gsva", "read_expression_matrix", "read_gmt"]
