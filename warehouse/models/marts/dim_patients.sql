with patients as (
    select * from {{ ref('int_patients_with_calcification_groups') }}
),

omics_availability as (
    select * from {{ ref('int_patient_omics_availability') }}
),

tumor_mutational_burden as (
    select * from {{ ref('fct_tumor_mutational_burden') }}
),

hrd_scores as (
    select * from {{ ref('fct_hrd_scores') }}
),

cin_scores as (
    select * from {{ ref('fct_cin_scores') }}
),

final as (
    select
        patients.patient_id,
        patients.calcification_birads,
        patients.calcification_group,
        patients.calcification_group_label,
        patients.calcification_group_order,
        patients.is_main_analysis_group,
        patients.age_years,
        patients.breast_density_code,
        patients.breast_density_label,
        patients.focal_asymmetry = 'present' as has_focal_asymmetry,
        patients.architectural_distortion = 'present' as has_architectural_distortion,
        patients.tumor_size_cm,
        patients.lymph_node_status,
        patients.lymph_node_status = 'positive' as is_lymph_node_positive,
        patients.lymphovascular_invasion,
        patients.histological_grade,
        patients.er_ihc_pct,
        patients.pr_ihc_pct,
        patients.ki67_ihc_pct,
        patients.her2_ihc,
        patients.snf_subtype,
        patients.received_endocrine_therapy,
        patients.rfs_months,
        patients.had_relapse,
        omics_availability.has_wes,
        omics_availability.has_copy_number,
        omics_availability.has_rnaseq,
        omics_availability.has_lipidomics,
        omics_availability.has_polar_metabolomics,
        tumor_mutational_burden.tmb_per_mb,
        hrd_scores.hrd_loh,
        hrd_scores.tai,
        hrd_scores.lst,
        hrd_scores.hrd_sum,
        cin_scores.cin_score
    from patients
    inner join omics_availability
        on patients.patient_id = omics_availability.patient_id
    left join tumor_mutational_burden
        on patients.patient_id = tumor_mutational_burden.sample_id
    left join hrd_scores on patients.patient_id = hrd_scores.sample_id
    left join cin_scores on patients.patient_id = cin_scores.sample_id
)

select * from final
