-- Figure 4B: SNF subtype composition per group (paper: SNF3 27.1 / 29.4 / 49.2 %, P = 0.064).
-- Counts and percentages per group with the exact Fisher p of the whole table.
{{ categorical_feature_report('snf_subtype') }}
