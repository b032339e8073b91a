-- Table 1 in the paper's printed layout: the long rpt_table1_clinicopathology pivoted to one
-- row per table row with n, % and median per calcification group (default grouping) and the
-- p-values over the three groups (known values; test_note says why a p-value is null), with
-- the as-printed p-values (Unknown rows included, as the paper tested).
with table1 as (
    select * from {{ ref('rpt_table1_clinicopathology') }}
),

printed_layout as (
    select
        row_order,
        characteristic,
        characteristic_label,
        category_label,
        row_kind,
        is_in_published_table,
        max(n) filter (where group_key = 'negative') as negative_n,
        max(pct) filter (where group_key = 'negative') as negative_pct,
        max(median) filter (where group_key = 'negative') as negative_median,
        max(n_missing) filter (where group_key = 'negative') as negative_n_missing,
        max(n) filter (where group_key = 'probably_benign') as probably_benign_n,
        max(pct) filter (where group_key = 'probably_benign') as probably_benign_pct,
        max(median) filter (where group_key = 'probably_benign') as probably_benign_median,
        max(n_missing) filter (
            where group_key = 'probably_benign'
        ) as probably_benign_n_missing,
        max(n) filter (where group_key = 'high_suspicion') as high_suspicion_n,
        max(pct) filter (where group_key = 'high_suspicion') as high_suspicion_pct,
        max(median) filter (where group_key = 'high_suspicion') as high_suspicion_median,
        max(n_missing) filter (
            where group_key = 'high_suspicion'
        ) as high_suspicion_n_missing,
        max(p_value_fisher) as p_value_fisher,
        max(fisher_method) as fisher_method,
        max(p_value_chisq) as p_value_chisq,
        max(p_value_kruskal_wallis) as p_value_kruskal_wallis,
        max(test_note) as test_note,
        max(n_tested) as n_tested,
        max(n_excluded_unknown) as n_excluded_unknown,
        max(p_value_fisher_as_printed) as p_value_fisher_as_printed,
        max(p_value_chisq_as_printed) as p_value_chisq_as_printed
    from table1
    group by
        row_order,
        characteristic,
        characteristic_label,
        category_label,
        row_kind,
        is_in_published_table
)

select * from printed_layout
order by row_order
