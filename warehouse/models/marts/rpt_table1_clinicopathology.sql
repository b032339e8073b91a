-- The study's Table 1 in long form: one row per table row and main group of the active
-- grouping, with n, % of the group and the group median, and the characteristic's p-values
-- over all main groups repeated on each of its rows. Patients without a value are counted in
-- an Unknown row (categories) or as n_missing (medians); the tests leave them out
-- (n_excluded_unknown) and say why a p-value is null (test_note). The *_as_printed p-values
-- test each table as shown, Unknown row included, as the paper did.
-- analyses/table1_clinicopathology.sql pivots it back to the printed layout.
with category_counts as (
    select * from {{ ref('int_table1_category_counts') }}
),

patients as (
    select * from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

main_groups as (
    select
        group_key,
        group_label,
        group_order
    from {{ ref('int_comparison_groups') }}
    where is_main_analysis_group
),

tests as (
    select * from {{ ref('int_table1_tests') }}
),

count_rows as (
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_label,
        category_order,
        'count' as row_kind,
        group_key,
        n_patients as n,
        round(100.0 * n_patients / nullif(n_group, 0), 1) as pct,
        cast(null as double) as median_value,
        cast(null as bigint) as n_missing
    from category_counts
),

group_sizes as (
    select
        group_key,
        count(*) as n_patients
    from patients
    group by group_key
),

group_size_rows as (
    select
        'n_patients' as characteristic,
        'N' as characteristic_label,
        -1 as characteristic_order,
        cast(null as varchar) as category_label,
        0 as category_order,
        'group_size' as row_kind,
        main_groups.group_key,
        coalesce(group_sizes.n_patients, 0) as n,
        cast(null as double) as pct,
        cast(null as double) as median_value,
        cast(null as bigint) as n_missing
    from main_groups
    left join group_sizes on main_groups.group_key = group_sizes.group_key
),

continuous_long as (
    unpivot (
        select
            group_key,
            age_years,
            tumor_size_cm,
            er_ihc_pct,
            pr_ihc_pct,
            ki67_ihc_pct
        from patients
    )
    on age_years, tumor_size_cm, er_ihc_pct, pr_ihc_pct, ki67_ihc_pct
    into name characteristic value measured_value
),

-- Median rows: age is printed under N, the others follow the categorical characteristics.
continuous_characteristics as (
    select
        listed.characteristic,
        listed.characteristic_label,
        listed.characteristic_order
    from (
        values
        ('age_years', 'Age, years (median)', 0),
        ('tumor_size_cm', 'Tumour size, cm (median)', 101),
        ('er_ihc_pct', 'ER IHC, % (median)', 102),
        ('pr_ihc_pct', 'PR IHC, % (median)', 103),
        ('ki67_ihc_pct', 'Ki-67 IHC, % (median)', 104)
    ) as listed (characteristic, characteristic_label, characteristic_order)
),

group_medians as (
    select
        characteristic,
        group_key,
        count(measured_value) as n_measured,
        median(measured_value) as median_value
    from continuous_long
    group by characteristic, group_key
),

median_rows as (
    select
        continuous_characteristics.characteristic,
        continuous_characteristics.characteristic_label,
        continuous_characteristics.characteristic_order,
        cast(null as varchar) as category_label,
        0 as category_order,
        'median' as row_kind,
        main_groups.group_key,
        coalesce(group_medians.n_measured, 0) as n,
        cast(null as double) as pct,
        cast(group_medians.median_value as double) as median_value,
        coalesce(group_sizes.n_patients, 0) - coalesce(group_medians.n_measured, 0) as n_missing
    from continuous_characteristics
    cross join main_groups
    left join group_medians
        on
            continuous_characteristics.characteristic = group_medians.characteristic
            and main_groups.group_key = group_medians.group_key
    left join group_sizes on main_groups.group_key = group_sizes.group_key
),

all_rows as (
    select * from count_rows
    union all by name
    select * from group_size_rows
    union all by name
    select * from median_rows
),

test_columns as (
    select
        characteristic,
        max(p_value) filter (where test_name = 'fisher_exact') as p_value_fisher,
        max(method) filter (where test_name = 'fisher_exact') as fisher_method,
        max(p_value) filter (where test_name = 'pearson_chisq') as p_value_chisq,
        max(p_value) filter (where test_name = 'kruskal_wallis') as p_value_kruskal_wallis,
        max(test_note) filter (
            where test_name in ('fisher_exact', 'kruskal_wallis')
        ) as test_note,
        max(n_tested) filter (
            where test_name in ('fisher_exact', 'kruskal_wallis')
        ) as n_tested,
        max(n_excluded_unknown) filter (
            where test_name in ('fisher_exact', 'kruskal_wallis')
        ) as n_excluded_unknown,
        max(p_value) filter (
            where test_name = 'fisher_exact_as_printed'
        ) as p_value_fisher_as_printed,
        max(p_value) filter (
            where test_name = 'pearson_chisq_as_printed'
        ) as p_value_chisq_as_printed
    from tests
    group by characteristic
),

final as (
    select
        cast(dense_rank() over (
            order by all_rows.characteristic_order, all_rows.category_order
        ) as integer) as row_order,
        all_rows.characteristic,
        all_rows.characteristic_label,
        all_rows.category_label,
        all_rows.row_kind,
        all_rows.characteristic_order between -1 and 6 as is_in_published_table,
        all_rows.group_key,
        main_groups.group_label,
        cast(main_groups.group_order as integer) as group_order,
        cast(all_rows.n as integer) as n,
        all_rows.pct,
        all_rows.median_value as median,
        cast(all_rows.n_missing as integer) as n_missing,
        test_columns.p_value_fisher,
        test_columns.fisher_method,
        test_columns.p_value_chisq,
        test_columns.p_value_kruskal_wallis,
        test_columns.test_note,
        cast(test_columns.n_tested as integer) as n_tested,
        cast(test_columns.n_excluded_unknown as integer) as n_excluded_unknown,
        test_columns.p_value_fisher_as_printed,
        test_columns.p_value_chisq_as_printed
    from all_rows
    inner join main_groups on all_rows.group_key = main_groups.group_key
    left join test_columns on all_rows.characteristic = test_columns.characteristic
)

select * from final
