-- Figure 2G: calcification status among relapsed and relapse-free patients (pct_of_level; paper:
-- 46.2 % vs 33.5 % high suspicion).
-- Counts and percentages per group with the exact Fisher p of the whole table.
{{ categorical_feature_report('relapse_status') }}
