"""calcomics: a DuckDB + dbt warehouse for the mammographic-calcification multi-omics study."""

__version__ = "0.1.0"
