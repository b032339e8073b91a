-- The study's Table 1: counts and % per main calcification group, group medians and p-values.
-- p-values are computed on each table as shown (Unknown categories included).
with category_counts as (
    select * from {{ ref('int_table1_category_counts') }}
),

patients as (
    select
        *,
        group_key as calcification_group
    from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

tests as (
    select * from {{ ref('int_table1_tests') }}
),

published as (
    select * from {{ ref('table1_published_p_values') }}
),

category_rows as (
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_label,
        category_order,
        sum(n_patients) filter (where calcification_group = 'negative') as negative_n,
        sum(n_group) filter (where calcification_group = 'negative') as negative_group_n,
        sum(n_patients) filter (where calcification_group = 'probably_benign') as probably_benign_n,
        sum(n_group) filter (where calcification_group = 'probably_benign')
            as probably_benign_group_n,
        sum(n_patients) filter (where calcification_group = 'high_suspicion') as high_suspicion_n,
        sum(n_group) filter (where calcification_group = 'high_suspicion')
            as high_suspicion_group_n
    from category_counts
    group by
        characteristic, characteristic_label, characteristic_order, category_label, category_order
),

group_size_row as (
    select
        'n_patients' as characteristic,
        'N' as characteristic_label,
        -1 as characteristic_order,
        cast(null as varchar) as category_label,
        0 as category_order,
        count(*) filter (where calcification_group = 'negative') as negative_n,
        count(*) filter (where calcification_group = 'probably_benign') as probably_benign_n,
        count(*) filter (where calcification_group = 'high_suspicion') as high_suspicion_n
    from patients
),

continuous_long as (
    unpivot (
        select
            calcification_group,
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

median_rows as (
    select
        characteristic,
        case characteristic
            when 'age_years' then 'Age, years (median)'
            when 'tumor_size_cm' then 'Tumour size, cm (median)'
            when 'er_ihc_pct' then 'ER IHC, % (median)'
            when 'pr_ihc_pct' then 'PR IHC, % (median)'
            when 'ki67_ihc_pct' then 'Ki-67 IHC, % (median)'
        end as characteristic_label,
        case characteristic
            when 'age_years' then 0
            when 'tumor_size_cm' then 101
            when 'er_ihc_pct' then 102
            when 'pr_ihc_pct' then 103
            when 'ki67_ihc_pct' then 104
        end as characteristic_order,
        median(measured_value) filter (where calcification_group = 'negative') as negative_median,
        median(measured_value) filter (where calcification_group = 'probably_benign')
            as probably_benign_median,
        median(measured_value) filter (where calcification_group = 'high_suspicion')
            as high_suspicion_median,
        count(measured_value) filter (where calcification_group = 'negative') as negative_n,
        count(measured_value) filter (where calcification_group = 'probably_benign')
            as probably_benign_n,
        count(measured_value) filter (where calcification_group = 'high_suspicion')
            as high_suspicion_n
    from continuous_long
    group by characteristic
),

test_columns as (
    select
        characteristic,
        max(p_value) filter (where test_name = 'fisher_exact') as p_value_fisher,
        max(method) filter (where test_name = 'fisher_exact') as fisher_method,
        max(p_value) filter (where test_name = 'pearson_chisq') as p_value_chisq,
        max(p_value) filter (where test_name = 'kruskal_wallis') as p_value_kruskal_wallis
    from tests
    group by characteristic
),

all_rows as (
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_label,
        category_order,
        'count' as row_kind,
        negative_n,
        round(100.0 * negative_n / nullif(negative_group_n, 0), 1) as negative_pct,
        cast(null as double) as negative_median,
        probably_benign_n,
        round(100.0 * probably_benign_n / nullif(probably_benign_group_n, 0), 1)
            as probably_benign_pct,
        cast(null as double) as probably_benign_median,
        high_suspicion_n,
        round(100.0 * high_suspicion_n / nullif(high_suspicion_group_n, 0), 1)
            as high_suspicion_pct,
        cast(null as double) as high_suspicion_median
    from category_rows
    union all
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        category_label,
        category_order,
        'group_size' as row_kind,
        negative_n,
        null as negative_pct,
        null as negative_median,
        probably_benign_n,
        null as probably_benign_pct,
        null as probably_benign_median,
        high_suspicion_n,
        null as high_suspicion_pct,
        null as high_suspicion_median
    from group_size_row
    union all
    select
        characteristic,
        characteristic_label,
        characteristic_order,
        null as category_label,
        0 as category_order,
        'median' as row_kind,
        negative_n,
        null as negative_pct,
        negative_median,
        probably_benign_n,
        null as probably_benign_pct,
        probably_benign_median,
        high_suspicion_n,
        null as high_suspicion_pct,
        high_suspicion_median
    from median_rows
),

final as (
    select
        cast(row_number() over (
            order by all_rows.characteristic_order, all_rows.category_order
        ) as integer) as row_order,
        all_rows.characteristic,
        all_rows.characteristic_label,
        all_rows.category_label,
        all_rows.row_kind,
        all_rows.characteristic_order between -1 and 6 as is_in_published_table,
        cast(all_rows.negative_n as integer) as negative_n,
        all_rows.negative_pct,
        all_rows.negative_median,
        cast(all_rows.probably_benign_n as integer) as probably_benign_n,
        all_rows.probably_benign_pct,
        all_rows.probably_benign_median,
        cast(all_rows.high_suspicion_n as integer) as high_suspicion_n,
        all_rows.high_suspicion_pct,
        all_rows.high_suspicion_median,
        test_columns.p_value_fisher,
        test_columns.fisher_method,
        test_columns.p_value_chisq,
        test_columns.p_value_kruskal_wallis,
        published.published_p_value as p_value_published,
        published.published_test_label,
        case
            when published.published_p_value is null then null
            when
                round(test_columns.p_value_fisher, 3) = published.published_p_value
                and round(test_columns.p_value_chisq, 3) = published.published_p_value
                then 'both'
            when round(test_columns.p_value_fisher, 3) = published.published_p_value
                then 'fisher_exact'
            when round(test_columns.p_value_chisq, 3) = published.published_p_value
                then 'pearson_chisq'
            else 'neither'
        end as test_reproducing_published_p
    from all_rows
    left join test_columns on all_rows.characteristic = test_columns.characteristic
    left join published on all_rows.characteristic = published.characteristic
)

select * from final
