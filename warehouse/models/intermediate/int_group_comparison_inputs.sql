-- Every continuous per-patient feature compared across calcification groups, in long form:
-- clinical (Figure 2A/D/E), genomic (Figure 3), transcriptomic scores (Figure 4D-H).
with patients as (
    select * from {{ ref('dim_patients') }}
),

tumor_mutational_burden as (
    select * from {{ ref('fct_tumor_mutational_burden') }}
),

cin_scores as (
    select * from {{ ref('fct_cin_scores') }}
),

hrd_scores as (
    select * from {{ ref('fct_hrd_scores') }}
),

signature_exposures as (
    select * from {{ ref('fct_mutational_signatures') }}
),

pathway_scores as (
    select * from {{ ref('fct_pathway_scores') }}
),

immune_infiltration as (
    select * from {{ ref('fct_immune_infiltration') }}
),

treatment_scores as (
    select * from {{ ref('fct_treatment_scores') }}
),

clinical_long as (
    unpivot (
        select
            patient_id,
            age_years,
            tumor_size_cm,
            er_ihc_pct,
            pr_ihc_pct,
            ki67_ihc_pct
        from patients
    )
    on age_years, tumor_size_cm, er_ihc_pct, pr_ihc_pct, ki67_ihc_pct
    into name feature value feature_value
),

treatment_long as (
    unpivot (
        select
            sample_id,
            set_index,
            cdk46_sensitivity_score,
            endocrine_sensitivity_score
        from treatment_scores
    )
    on set_index, cdk46_sensitivity_score, endocrine_sensitivity_score
    into name feature value feature_value
),

hrd_long as (
    unpivot hrd_scores
    on hrd_loh, tai, lst, hrd_sum
    into name feature value feature_value
),

feature_values as (
    select
        'genomic' as feature_family,
        'tmb_per_mb' as feature,
        sample_id as patient_id,
        tmb_per_mb as feature_value
    from tumor_mutational_burden
    union all
    select
        'genomic' as feature_family,
        'cin_score' as feature,
        sample_id as patient_id,
        cin_score as feature_value
    from cin_scores
    union all
    select
        'genomic' as feature_family,
        feature,
        sample_id as patient_id,
        cast(feature_value as double) as feature_value
    from hrd_long
    union all
    select
        'mutational_signature' as feature_family,
        signature || '_proportion' as feature,
        sample_id as patient_id,
        proportion as feature_value
    from signature_exposures
    union all
    select
        'clinical' as feature_family,
        feature,
        patient_id,
        cast(feature_value as double) as feature_value
    from clinical_long
    union all
    select
        'pathway_' || collection as feature_family,
        gene_set as feature,
        sample_id as patient_id,
        score as feature_value
    from pathway_scores
    union all
    select
        'immune_infiltration' as feature_family,
        cell_type as feature,
        sample_id as patient_id,
        infiltration_score as feature_value
    from immune_infiltration
    union all
    select
        'treatment_score' as feature_family,
        feature,
        sample_id as patient_id,
        feature_value
    from treatment_long
),

final as (
    select
        feature_values.feature_family,
        feature_values.feature,
        feature_values.patient_id,
        patients.calcification_group,
        feature_values.feature_value
    from feature_values
    inner join patients on feature_values.patient_id = patients.patient_id
)

select * from final
