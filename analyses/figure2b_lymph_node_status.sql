-- Figure 2B: lymph-node status by calcification group (paper: 50.5 / 44.4 / 62.0 % positive).
-- Counts and percentages per group with the exact Fisher p of the whole table.
{{ categorical_feature_report('lymph_node_status') }}
