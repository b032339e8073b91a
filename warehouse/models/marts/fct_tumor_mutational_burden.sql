-- TMB per sequenced sample (computed in int_tumor_mutational_burden).
with tumor_mutational_burden as (
    select * from {{ ref('int_tumor_mutational_burden') }}
),

patient_groups as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        tumor_mutational_burden.sample_id,
        patient_groups.group_key,
        patient_groups.group_label,
        cast(patient_groups.group_order as integer) as group_order,
        patient_groups.is_main_analysis_group,
        tumor_mutational_burden.n_variant_rows,
        tumor_mutational_burden.n_duplicate_rows_removed,
        tumor_mutational_burden.n_cnv_rows_ignored,
        tumor_mutational_burden.n_nonsynonymous,
        tumor_mutational_burden.n_silent,
        tumor_mutational_burden.capture_size_mb,
        tumor_mutational_burden.tmb_per_mb
    from tumor_mutational_burden
    left join patient_groups on tumor_mutational_burden.sample_id = patient_groups.patient_id
)

select * from final
