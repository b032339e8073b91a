-- Every continuous per-patient feature compared across the main groups, in long form, with
-- the patient's group: clinical (Figure 2A/D/E), genomic (Figure 3), transcriptomic scores
-- (Figure 4D-H). Reads intermediate models only (no mart); main-analysis patients only. A
-- null feature_value is a patient without a value (clinical fields may be empty).
with patients as (
    select * from {{ ref('int_patient_spine') }}
    where is_main_analysis_group
),

tumor_mutational_burden as (
    select * from {{ ref('int_tumor_mutational_burden') }}
),

cin_scores as (
    select * from {{ ref('int_cin_scores') }}
),

hrd_scores as (
    select * from {{ ref('int_hrd_scores') }}
),

signature_exposures as (
    select * from {{ ref('int_signature_exposures') }}
),

pathway_scores as (
    select * from {{ ref('int_pathway_scores') }}
),

collections as (
    select * from {{ ref('gene_set_collections') }}
),

treatment_scores as (
    select * from {{ ref('int_treatment_scores') }}
),

clinical_values as (
    select
        patient_id,
        age_years,
        tumor_size_cm,
        er_ihc_pct,
        pr_ihc_pct,
        ki67_ihc_pct
    from patients
),

-- Patients without a value keep a row with a null value: the comparison counts them as
-- unknown (n_excluded_unknown) instead of losing them silently.
clinical_long as (
    select
        patient_id,
        feature,
        feature_value
    from clinical_values
    unpivot include nulls (
        feature_value for feature in (
            age_years, tumor_size_cm, er_ihc_pct, pr_ihc_pct, ki67_ihc_pct
        )
    )
),

hrd_long as (
    unpivot (
        select
            sample_id,
            hrd_loh,
            tai,
            lst,
            hrd_sum
        from hrd_scores
    )
    on hrd_loh, tai, lst, hrd_sum
    into name feature value feature_value
),

-- The pathway collections feed the pathway families, the Bindea immune cell types the
-- immune-infiltration family, as the gene_set_collections seed assigns them.
collection_scores as (
    select
        case collections.scored_in
            when 'fct_immune_infiltration' then 'immune_infiltration'
            else 'pathway_' || pathway_scores.collection
        end as feature_family,
        pathway_scores.gene_set as feature,
        pathway_scores.sample_id,
        pathway_scores.score
    from pathway_scores
    inner join collections on pathway_scores.collection = collections.collection
    where collections.scored_in in ('fct_pathway_scores', 'fct_immune_infiltration')
),

feature_values as (
    select
        'genomic' as feature_family,
        'tmb_per_mb' as feature,
        sample_id as patient_id,
        cast(tmb_per_mb as double) as feature_value
    from tumor_mutational_burden
    union all
    select
        'genomic' as feature_family,
        'cin_score' as feature,
        sample_id as patient_id,
        cast(cin_score as double) as feature_value
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
        cast(proportion as double) as feature_value
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
        feature_family,
        feature,
        sample_id as patient_id,
        cast(score as double) as feature_value
    from collection_scores
    union all
    select
        'treatment_score' as feature_family,
        score_name as feature,
        sample_id as patient_id,
        cast(score as double) as feature_value
    from treatment_scores
),

final as (
    select
        feature_values.feature_family,
        feature_values.feature,
        feature_values.patient_id,
        patients.group_key,
        feature_values.feature_value
    from feature_values
    inner join patients on feature_values.patient_id = patients.patient_id
)

select * from final
