-- One wide row per patient, built last: the spine (dim_patients) with every per-patient
-- score of the omics areas (null where the patient lacks the layer). For BI tools and quick
-- looks; every column comes from the area fact named in its description.
with patients as (
    select * from {{ ref('dim_patients') }}
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

pam50_calls as (
    select * from {{ ref('fct_pam50_calls') }}
),

treatment_scores as (
    select * from {{ ref('fct_treatment_scores') }}
),

final as (
    select
        patients.patient_id,
        patients.group_key,
        patients.group_label,
        patients.group_order,
        patients.is_main_analysis_group,
        patients.calcification_birads,
        patients.age_years,
        patients.tumor_size_cm,
        patients.lymph_node_status,
        patients.histological_grade,
        patients.er_ihc_pct,
        patients.pr_ihc_pct,
        patients.ki67_ihc_pct,
        patients.snf_subtype,
        patients.received_endocrine_therapy,
        patients.rfs_months,
        patients.has_relapse,
        patients.has_wes,
        patients.has_copy_number,
        patients.has_rnaseq,
        patients.has_lipidomics,
        patients.has_polar_metabolomics,
        tumor_mutational_burden.tmb_per_mb,
        hrd_scores.hrd_loh,
        hrd_scores.tai,
        hrd_scores.lst,
        hrd_scores.hrd_sum,
        cin_scores.cin_score,
        pam50_calls.pam50_subtype,
        treatment_scores.set_index,
        treatment_scores.cdk46_sensitivity_score,
        treatment_scores.endocrine_sensitivity_score
    from patients
    left join tumor_mutational_burden
        on patients.patient_id = tumor_mutational_burden.sample_id
    left join hrd_scores on patients.patient_id = hrd_scores.sample_id
    left join cin_scores on patients.patient_id = cin_scores.sample_id
    left join pam50_calls on patients.patient_id = pam50_calls.sample_id
    left join treatment_scores on patients.patient_id = treatment_scores.sample_id
)

select * from final
