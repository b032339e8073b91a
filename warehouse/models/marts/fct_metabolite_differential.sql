-- Per-feature differential abundance of each main calcification group against the other two
-- (Wilcoxon rank-sum, R semantics; log2 fold change; BH FDR within platform and group), with
-- the up/down call the DA score counts (thresholds: vars da_fdr_max, da_min_abs_log2fc).
with differential as (
    select * from {{ ref('int_metabolite_differential') }}
),

features as (
    select * from {{ ref('stg_raw__metabolite_features') }}
),

final as (
    select
        differential.feature_id,
        differential.platform,
        features.feature_name,
        features.metabolite_class,
        differential.calcification_group,
        cast(differential.n_group as integer) as n_group,
        cast(differential.n_rest as integer) as n_rest,
        differential.mean_log2_group,
        differential.mean_log2_rest,
        differential.log2_fold_change,
        differential.w_statistic,
        differential.p_value,
        differential.test_method,
        differential.fdr,
        case
            when
                differential.fdr < {{ var('da_fdr_max') }}
                and differential.log2_fold_change > {{ var('da_min_abs_log2fc') }}
                then 'up'
            when
                differential.fdr < {{ var('da_fdr_max') }}
                and differential.log2_fold_change < -{{ var('da_min_abs_log2fc') }}
                then 'down'
            else 'unchanged'
        end as direction
    from differential
    inner join features on differential.feature_id = features.feature_id
)

select * from final
