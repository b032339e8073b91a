-- One row per patient: clinicopathology, group in the active grouping, omics availability.
-- Assembled from the patient spine only; per-patient scores are joined in
-- rpt_patient_overview, built last.
with patients as (
    select * from {{ ref('int_patient_spine') }}
),

final as (
    select
        patient_id,
        grouping_name,
        grouping_value,
        group_key,
        group_label,
        group_order,
        is_main_analysis_group,
        analysis_exclusion_reason,
        calcification_birads,
        age_years,
        breast_density_code,
        breast_density_label,
        focal_asymmetry = 'present' as has_focal_asymmetry,
        architectural_distortion = 'present' as has_architectural_distortion,
        tumor_size_cm,
        lymph_node_status,
        lymph_node_status = 'positive' as is_lymph_node_positive,
        lymphovascular_invasion,
        histological_grade,
        er_ihc_pct,
        pr_ihc_pct,
        ki67_ihc_pct,
        her2_ihc,
        snf_subtype,
        received_endocrine_therapy,
        rfs_months,
        had_relapse as has_relapse,
        has_wes,
        has_copy_number,
        has_rnaseq,
        has_lipidomics,
        has_polar_metabolomics
    from patients
)

select * from final
