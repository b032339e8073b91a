-- Profiled samples with a gain (call > 0) or loss (call < 0) per copy-number feature and main
-- group: the counts behind int_copy_number_alteration_frequencies and
-- int_cell_cycle_copy_number. One row per feature of the calls, direction and main group,
-- also when nobody is altered (n_altered 0: R's p = 1 stays in the Bonferroni family).
-- A sample has one call per feature (unique_combination_of_columns tests on
-- int_gene_copy_number and int_region_copy_number, which dbt build runs first), so a
-- filtered count(*) is the count of distinct samples, without a distinct hash per group.
with calls as (
    select * from {{ ref('int_copy_number_calls') }}
),

spine as (
    select * from {{ ref('int_patient_spine') }}
),

comparison_groups as (
    select * from {{ ref('int_comparison_groups') }}
),

main_groups as (
    select group_key
    from comparison_groups
    where is_main_analysis_group
),

main_group_samples as (
    select
        spine.patient_id as sample_id,
        spine.group_key
    from spine
    inner join main_groups on spine.group_key = main_groups.group_key
    where spine.has_copy_number
),

-- one grouped scan of the calls: every feature appears (group_key null for calls of
-- samples outside the main groups), with its main-group counts
feature_group_counts as (
    select
        calls.feature_level,
        calls.feature,
        main_group_samples.group_key,
        count(*) filter (where calls.copy_number_call > 0) as n_gain,
        count(*) filter (where calls.copy_number_call < 0) as n_loss
    from calls
    left join main_group_samples on calls.sample_id = main_group_samples.sample_id
    group by calls.feature_level, calls.feature, main_group_samples.group_key
),

features as (
    select distinct
        feature_level,
        feature
    from feature_group_counts
),

directions as (
    select 'gain' as direction
    union all
    select 'loss' as direction
),

final as (
    select
        features.feature_level,
        features.feature,
        directions.direction,
        main_groups.group_key,
        cast(coalesce(
            case
                when directions.direction = 'gain' then feature_group_counts.n_gain
                else feature_group_counts.n_loss
            end,
            0
        ) as bigint) as n_altered
    from features
    cross join directions
    cross join main_groups
    left join feature_group_counts
        on
            features.feature_level = feature_group_counts.feature_level
            and features.feature = feature_group_counts.feature
            and main_groups.group_key = feature_group_counts.group_key
)

select * from final
