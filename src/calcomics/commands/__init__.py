"""The command-line programs' file-level work (read user files, write results), kept out of
the methods: ``calcomics hrd``, ``calcomics gsva``, ``calcomics network``."""
