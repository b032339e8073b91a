-- Figure 4D: 24 immune cell types (Bindea 2013, ssGSEA) across groups (paper: negative
-- tumours have the highest adaptive and innate immune infiltration). Kruskal-Wallis per cell
-- type with each group's median, strongest first.
with comparisons as (
    select * from {{ ref('fct_group_comparisons') }}
),

inputs as (
    select * from {{ ref('int_group_comparison_inputs') }}
),

medians as (
    select
        feature,
        median(feature_value) filter (where calcification_group = 'negative')
            as median_negative,
        median(feature_value) filter (where calcification_group = 'probably_benign')
            as median_probably_benign,
        median(feature_value) filter (where calcification_group = 'high_suspicion')
            as median_high_suspicion
    from inputs
    where feature_family = 'immune_infiltration'
    group by feature
)

select
    medians.feature as cell_type,
    medians.median_negative,
    medians.median_probably_benign,
    medians.median_high_suspicion,
    comparisons.p_value as kruskal_wallis_p
from medians
inner join comparisons
    on
        medians.feature = comparisons.feature
        and comparisons.feature_family = 'immune_infiltration'
        and comparisons.test = 'kruskal_wallis'
order by comparisons.p_value
