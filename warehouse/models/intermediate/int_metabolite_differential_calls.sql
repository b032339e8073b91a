-- Group-vs-rest differential abundance of every feature with its group's label and display
-- order and the up/down call the DA score counts (BH FDR below var da_fdr_max and |log2 fold
-- change| above var da_min_abs_log2fc); an untested feature (null FDR) is 'unchanged'.
with differential as (
    select * from {{ ref('int_metabolite_differential') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

labelled as (
    select
        differential.feature_id,
        differential.platform,
        differential.group_key,
        comparison_groups.group_label,
        comparison_groups.group_order,
        differential.n_group,
        differential.n_rest,
        differential.mean_log2_group,
        differential.mean_log2_rest,
        differential.log2_fold_change,
        differential.w_statistic,
        differential.p_value,
        differential.test_method,
        differential.fdr,
        differential.test_note
    from differential
    inner join comparison_groups on differential.group_key = comparison_groups.group_key
),

final as (
    select
        *,
        case
            when
                fdr < {{ var('da_fdr_max') }}
                and log2_fold_change > {{ var('da_min_abs_log2fc') }}
                then 'up'
            when
                fdr < {{ var('da_fdr_max') }}
                and log2_fold_change < -{{ var('da_min_abs_log2fc') }}
                then 'down'
            else 'unchanged'
        end as direction
    from labelled
)

select * from final
