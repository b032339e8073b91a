-- Figure 4D: 24 immune cell types (Bindea 2013, ssGSEA) across groups (paper: negative
-- tumours have the highest adaptive and innate immune infiltration). One row per cell type
-- and main group: the group's median and the Kruskal-Wallis p across all main groups,
-- strongest cell type first.
with infiltration as (
    select * from {{ ref('fct_immune_infiltration') }}
),

patients as (
    select * from {{ ref('dim_patients') }}
),

comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
),

medians as (
    select
        infiltration.cell_type,
        patients.group_key,
        patients.group_label,
        patients.group_order,
        count(*) as n_samples,
        median(infiltration.infiltration_score) as median_score
    from infiltration
    inner join patients on infiltration.sample_id = patients.patient_id
    where patients.is_main_analysis_group
    group by
        infiltration.cell_type, patients.group_key, patients.group_label, patients.group_order
),

kruskal as (
    select
        feature as cell_type,
        p_value
    from comparisons
    where
        feature_family = 'immune_infiltration'
        and test = 'kruskal_wallis'
        and comparison_scope = 'all_main_groups'
)

select
    medians.cell_type,
    medians.group_key,
    medians.group_label,
    medians.n_samples,
    medians.median_score,
    kruskal.p_value as kruskal_wallis_p
from medians
inner join kruskal on medians.cell_type = kruskal.cell_type
order by kruskal.p_value, medians.cell_type, medians.group_order
