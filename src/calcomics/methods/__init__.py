"""Methods that reproduce the paper's R toolchain, numerically: statistics (R ``fisher.test``,
``wilcox.test``, ``kruskal.test``, ``chisq.test``, ``p.adjust``), survival (``survdiff``,
``survfit``, TSHRC), GSVA/ssGSEA 1.42, GSEA, PAM50 (genefu), scarHRD, maftools TMB, COSMIC
signature fitting, metabolite differential abundance and networks.

Pure functions on numpy/pandas: inputs are arguments (reference tables come from
:mod:`calcomics.reference`, groups from :class:`calcomics.design.GroupDesign`); nothing here
imports the warehouse plumbing or the demo generator.
"""
