"""Warehouse plumbing: raw-file layout and validation, the build (validate → ``dbt build`` →
atomic swap), and the glue dbt Python models use to move relations into the methods."""
