"""Adapters from public formats (GDC/TCGA, cBioPortal, ASCAT, OncoScan ChAS) to the raw layout.

Each adapter reads one public format and writes the warehouse's raw file
(:data:`calcomics.warehouse.raw_layout.RAW_FILES`); ``calcomics import`` runs them and then the
same validation as ``calcomics build``. Adapters never guess silently: a value they cannot map
is an error naming the file, line and column, and every row they leave out on purpose is counted
in the import report.
"""
