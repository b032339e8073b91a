-- Figure 2C: lympho-vascular invasion by calcification group (paper: 45.5 / 34.9 / 58.6 %).
-- Counts and percentages per group with the exact Fisher p of the whole table.
{{ categorical_feature_report('lymphovascular_invasion') }}
