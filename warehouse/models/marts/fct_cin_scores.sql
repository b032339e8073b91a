-- Chromosomal instability score per sample (computed in int_cin_scores).
with cin_scores as (
    select * from {{ ref('int_cin_scores') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        cin_scores.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        cin_scores.n_genes,
        cin_scores.cin_score,
        cin_scores.cin_value_type
    from cin_scores
    left join patient_groups on cin_scores.sample_id = patient_groups.patient_id
)

select * from final
