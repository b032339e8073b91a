-- Metabolic pathway differential abundance (DA) score per main group of the active grouping
-- against the other main groups (Hakimi et al. 2016, Figure 5A): (up - down) / annotated
-- features measured, null when the pathway has var da_min_annotated_features (3) or fewer
-- annotated features, and when none of them was tested (a group without samples on the
-- platforms measuring the pathway). One group per row.
with differential_calls as (
    select * from {{ ref('int_metabolite_differential_calls') }}
),

annotations as (
    select * from {{ ref('int_metabolite_pathway_annotations') }}
),

categories as (
    select * from {{ ref('metabolic_pathway_categories') }}
),

counts as (
    select
        annotations.pathway_name,
        differential_calls.group_key,
        differential_calls.group_label,
        differential_calls.group_order,
        count(*) as n_annotated,
        count(differential_calls.p_value) as n_tested,
        count(*) filter (where differential_calls.direction = 'up') as n_up,
        count(*) filter (where differential_calls.direction = 'down') as n_down
    from annotations
    inner join differential_calls on annotations.feature_id = differential_calls.feature_id
    group by
        annotations.pathway_name,
        differential_calls.group_key,
        differential_calls.group_label,
        differential_calls.group_order
),

final as (
    select
        counts.pathway_name,
        coalesce(categories.pathway_category, 'other') as pathway_category,
        counts.group_key,
        counts.group_label,
        cast(counts.group_order as integer) as group_order,
        cast(counts.n_annotated as integer) as n_annotated,
        cast(counts.n_tested as integer) as n_tested,
        cast(counts.n_up as integer) as n_up,
        cast(counts.n_down as integer) as n_down,
        case
            when
                counts.n_annotated > {{ var('da_min_annotated_features') }}
                and counts.n_tested > 0
                then (counts.n_up - counts.n_down) / counts.n_annotated
        end as da_score
    from counts
    left join categories on counts.pathway_name = categories.pathway_name
)

select * from final
