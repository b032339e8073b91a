-- Figure 4A: PAM50 subtype composition per group (paper: 70.9 / 91.0 / 81.6 % luminal, P = 0.047).
-- Counts and percentages per group with the exact Fisher p of the whole table.
{{ categorical_feature_report('pam50_subtype') }}
