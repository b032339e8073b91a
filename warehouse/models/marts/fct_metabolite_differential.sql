-- Per-feature differential abundance of each main group of the active grouping against the
-- other main groups (Wilcoxon rank-sum, R semantics; log2 fold change; BH FDR within platform
-- and group), with the up/down call the DA score counts (thresholds: vars da_fdr_max,
-- da_min_abs_log2fc). One group per row; a group without samples or a feature whose values
-- are all equal has a null p-value and a test_note.
with differential_calls as (
    select * from {{ ref('int_metabolite_differential_calls') }}
),

features as (
    select * from {{ ref('stg_raw__metabolite_features') }}
),

final as (
    select
        differential_calls.feature_id,
        differential_calls.platform,
        features.feature_name,
        features.metabolite_class,
        differential_calls.group_key,
        differential_calls.group_label,
        cast(differential_calls.group_order as integer) as group_order,
        cast(differential_calls.n_group as integer) as n_group,
        cast(differential_calls.n_rest as integer) as n_rest,
        differential_calls.mean_log2_group,
        differential_calls.mean_log2_rest,
        differential_calls.log2_fold_change,
        differential_calls.w_statistic,
        differential_calls.p_value,
        differential_calls.test_method,
        differential_calls.fdr as q_value,
        differential_calls.direction,
        cast(differential_calls.test_note as varchar) as test_note
    from differential_calls
    inner join features on differential_calls.feature_id = features.feature_id
)

select * from final
